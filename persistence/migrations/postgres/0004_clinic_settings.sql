-- Clinic settings as staff edit them: the JSON of a clinic, opaque to the
-- store, guarded by a version fence.
CREATE TABLE clinic_settings (
    clinic_id  text        PRIMARY KEY,
    version    bigint      NOT NULL,
    settings   bytea       NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);
