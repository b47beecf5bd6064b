-- Durable timers, one per conversation and purpose.
CREATE TABLE timers (
    clinic_id text        NOT NULL,
    lead_id   text        NOT NULL,
    id        text        NOT NULL,
    kind      text        NOT NULL,
    due_at    timestamptz NOT NULL,
    payload   bytea       NOT NULL,
    PRIMARY KEY (clinic_id, lead_id, id)
);
CREATE INDEX timers_due ON timers (due_at);

-- The consent ledger: append-only, never purged.
CREATE TABLE consent_events (
    seq       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id text        NOT NULL,
    phone     text        NOT NULL,
    at        timestamptz NOT NULL,
    kind      text        NOT NULL,
    source    text        NOT NULL,
    text      text        NOT NULL
);
CREATE INDEX consent_events_number ON consent_events (clinic_id, phone, at, seq);

CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent_events is append-only';
END
$$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

-- Clinic actor snapshots, guarded by a version fence.
CREATE TABLE clinics (
    clinic_id  text        PRIMARY KEY,
    version    bigint      NOT NULL,
    state      bytea       NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Delivery receipts: the carrier's error code, and the lookup by message id.
ALTER TABLE sends ADD COLUMN error_code text NOT NULL DEFAULT '';
CREATE INDEX sends_provider ON sends (provider_id);
