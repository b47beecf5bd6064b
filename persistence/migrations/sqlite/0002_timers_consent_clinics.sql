-- Durable timers, one per conversation and purpose.
CREATE TABLE timers (
    clinic_id TEXT    NOT NULL,
    lead_id   TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    due_at    INTEGER NOT NULL,
    payload   BLOB    NOT NULL,
    PRIMARY KEY (clinic_id, lead_id, id)
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers (due_at);

-- The consent ledger: append-only, never purged.
CREATE TABLE consent_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id TEXT    NOT NULL,
    phone     TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    text      TEXT    NOT NULL
);
CREATE INDEX consent_events_number ON consent_events (clinic_id, phone, at, seq);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;

-- Clinic actor snapshots, guarded by a version fence.
CREATE TABLE clinics (
    clinic_id  TEXT    PRIMARY KEY,
    version    INTEGER NOT NULL,
    state      BLOB    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Delivery receipts: the carrier's error code, and the lookup by message id.
ALTER TABLE sends ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
CREATE INDEX sends_provider ON sends (provider_id);
