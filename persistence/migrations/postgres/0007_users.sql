-- Staff users (email stored lower-case), the invites that let them set a
-- password (only the SHA-256 of the token is kept; single use), and their
-- browser sessions (only the SHA-256 of the cookie is kept). Failed sign-ins
-- are counted in rate_counts.
CREATE TABLE users (
    id            text        PRIMARY KEY,
    email         text        NOT NULL UNIQUE,
    name          text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    clinic_id     text        NOT NULL DEFAULT '',
    password_hash text        NOT NULL DEFAULT '',
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE user_invites (
    token_hash text        PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX user_invites_user ON user_invites (user_id);

CREATE TABLE user_sessions (
    id_hash    text        PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
