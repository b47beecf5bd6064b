-- Conversation snapshots, guarded by a version fence.
CREATE TABLE conversations (
    clinic_id  text        NOT NULL,
    lead_id    text        NOT NULL,
    phone      text        NOT NULL DEFAULT '',
    name       text        NOT NULL DEFAULT '',
    phase      text        NOT NULL DEFAULT '',
    version    bigint      NOT NULL,
    state      bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (clinic_id, lead_id)
);
CREATE INDEX conversations_newest ON conversations (clinic_id, updated_at DESC, lead_id DESC);
CREATE INDEX conversations_phone ON conversations (clinic_id, phone, updated_at DESC, lead_id DESC);

-- Dedup keys of applied messages, kept forever.
CREATE TABLE applied_messages (
    dedup_key  text        PRIMARY KEY,
    clinic_id  text        NOT NULL,
    lead_id    text        NOT NULL,
    applied_at timestamptz NOT NULL
);

CREATE TABLE transcript (
    seq       bigint      GENERATED ALWAYS AS IDENTITY,
    id        text        PRIMARY KEY,
    clinic_id text        NOT NULL,
    lead_id   text        NOT NULL,
    direction text        NOT NULL,
    author    text        NOT NULL,
    text      text        NOT NULL,
    at        timestamptz NOT NULL
);
CREATE INDEX transcript_conversation ON transcript (clinic_id, lead_id, seq);

CREATE TABLE outbox (
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    id         text        PRIMARY KEY,
    subject    text        NOT NULL,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX outbox_oldest ON outbox (created_at, seq);

CREATE TABLE sends (
    command_id  text        PRIMARY KEY,
    clinic_id   text        NOT NULL,
    lead_id     text        NOT NULL,
    carrier     text        NOT NULL,
    provider_id text        NOT NULL,
    status      text        NOT NULL,
    sent_at     timestamptz NOT NULL
);
