-- What admin actions asked of Telnyx (10DLC brands and campaigns, hosted
-- messaging orders) or of the engine (messages), and what came back.
CREATE TABLE admin_records (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    clinic_id   TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    request     BLOB    NOT NULL,
    response    BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX admin_records_external ON admin_records (kind, external_id) WHERE external_id <> '';
CREATE INDEX admin_records_recent ON admin_records (created_at DESC, id DESC);
CREATE INDEX admin_records_clinic ON admin_records (clinic_id, created_at DESC, id DESC);
