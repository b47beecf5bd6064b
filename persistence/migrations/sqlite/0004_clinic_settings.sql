-- Clinic settings as staff edit them: the JSON of a clinic, opaque to the
-- store, guarded by a version fence.
CREATE TABLE clinic_settings (
    clinic_id  TEXT    PRIMARY KEY,
    version    INTEGER NOT NULL,
    settings   BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
) WITHOUT ROWID;
