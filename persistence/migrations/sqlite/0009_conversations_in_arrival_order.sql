-- Conversations move from a table clustered on (clinic_id, lead_id) to one
-- stored in the order they arrived (a rowid table), with (clinic_id,
-- lead_id) a unique index beside it. A lead id is a hash, so in the
-- clustered table every new conversation went to a random leaf page that
-- holds whole states, and every later write of that conversation dirtied
-- that page again: with a million stored conversations each commit wrote
-- its own 4 KiB page to the WAL instead of sharing a few hot ones
-- (docs/PERFORMANCE.md, A million stored conversations). Now the rows of
-- conversations that talk at the same time share the newest pages; only
-- the small index entry of a new conversation lands at random, once.
CREATE TABLE conversations_by_arrival (
    seq         INTEGER PRIMARY KEY,
    clinic_id   TEXT    NOT NULL,
    lead_id     TEXT    NOT NULL,
    phone       TEXT    NOT NULL DEFAULT '',
    name        TEXT    NOT NULL DEFAULT '',
    phase       TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    state       BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    has_booking BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO conversations_by_arrival
    (clinic_id, lead_id, phone, name, phase, version, state, created_at, updated_at, has_booking)
SELECT clinic_id, lead_id, phone, name, phase, version, state, created_at, updated_at, has_booking
FROM conversations ORDER BY created_at, clinic_id, lead_id;
DROP TABLE conversations;
ALTER TABLE conversations_by_arrival RENAME TO conversations;
CREATE UNIQUE INDEX conversations_lead ON conversations (clinic_id, lead_id);
CREATE INDEX conversations_newest ON conversations (clinic_id, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_phone ON conversations (clinic_id, phone, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_phase ON conversations (clinic_id, phase, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_booking ON conversations (clinic_id, has_booking, updated_at DESC, lead_id DESC);
