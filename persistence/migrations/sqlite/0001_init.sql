-- Times are INTEGER microseconds since the Unix epoch, UTC.

-- Conversation snapshots, guarded by a version fence.
CREATE TABLE conversations (
    clinic_id  TEXT    NOT NULL,
    lead_id    TEXT    NOT NULL,
    phone      TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL DEFAULT '',
    phase      TEXT    NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    state      BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, lead_id)
) WITHOUT ROWID;
CREATE INDEX conversations_newest ON conversations (clinic_id, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_phone ON conversations (clinic_id, phone, updated_at DESC, lead_id DESC);

-- Dedup keys of applied messages, kept forever.
CREATE TABLE applied_messages (
    dedup_key  TEXT    PRIMARY KEY,
    clinic_id  TEXT    NOT NULL,
    lead_id    TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE transcript (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT    NOT NULL UNIQUE,
    clinic_id TEXT    NOT NULL,
    lead_id   TEXT    NOT NULL,
    direction TEXT    NOT NULL,
    author    TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX transcript_conversation ON transcript (clinic_id, lead_id, seq);

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    subject    TEXT    NOT NULL,
    payload    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_oldest ON outbox (created_at, seq);

CREATE TABLE sends (
    command_id  TEXT    PRIMARY KEY,
    clinic_id   TEXT    NOT NULL,
    lead_id     TEXT    NOT NULL,
    carrier     TEXT    NOT NULL,
    provider_id TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    sent_at     INTEGER NOT NULL
) WITHOUT ROWID;
