-- What admin actions asked of Telnyx (10DLC brands and campaigns, hosted
-- messaging orders) or of the engine (messages), and what came back.
CREATE TABLE admin_records (
    id          text        PRIMARY KEY,
    kind        text        NOT NULL,
    clinic_id   text        NOT NULL,
    external_id text        NOT NULL,
    status      text        NOT NULL,
    detail      text        NOT NULL DEFAULT '',
    request     bytea       NOT NULL,
    response    bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX admin_records_external ON admin_records (kind, external_id) WHERE external_id <> '';
CREATE INDEX admin_records_recent ON admin_records (created_at DESC, id DESC);
CREATE INDEX admin_records_clinic ON admin_records (clinic_id, created_at DESC, id DESC);
