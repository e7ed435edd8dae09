-- Web sessions (S23, S27), multi-step flows bound to a session (S25) and the
-- browsers a login identity has been seen on or registered (S21 "PC
-- registration", L7). No secret is stored in clear: a session keeps the
-- SHA-256 of its cookie secret, a device the SHA-256 of its cookie value; the
-- CSRF token is derived from the cookie secret and not stored at all.

-- +goose Up
CREATE TABLE security_session (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- stable for the session's life; flows bind to it; never leaves the server
    token_id         TEXT NOT NULL UNIQUE,        -- the "<id>" half of the cookie; replaced on every rotation
    secret_hash      TEXT NOT NULL,               -- hex SHA-256 of the "<secret>" half of the cookie
    account_id       BIGINT REFERENCES security_account (id) ON DELETE CASCADE, -- NULL before login
    realm            TEXT NOT NULL,               -- whose site: 'institution', 'ledgersync', …
    area             TEXT NOT NULL DEFAULT 'default', -- 'default' (15 min idle) or 'security' (5 min idle)
    level            TEXT NOT NULL DEFAULT '',    -- how the account proved itself: '', 'password', 'mfa'
    user_agent       TEXT NOT NULL DEFAULT '',
    ip               TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    last_seen_at     TIMESTAMPTZ NOT NULL,
    rotated_at       TIMESTAMPTZ NOT NULL,
    idle_expires_at  TIMESTAMPTZ NOT NULL,        -- moved by activity; never later than expires_at
    expires_at       TIMESTAMPTZ NOT NULL         -- the absolute cap
);
CREATE INDEX security_session_account ON security_session (account_id);
CREATE INDEX security_session_idle_expires ON security_session (idle_expires_at);

CREATE TABLE security_flow (
    id            TEXT PRIMARY KEY,                -- random; carried in the page, useless without the bound session
    kind          TEXT NOT NULL,                   -- 'login', 'enrolment', 'recovery', 'transfer_step_up', …
    account_id    BIGINT REFERENCES security_account (id) ON DELETE CASCADE, -- NULL until the flow knows who
    session_id    BIGINT NOT NULL REFERENCES security_session (id) ON DELETE CASCADE,
    steps         TEXT NOT NULL,                   -- JSON array of step names, in order
    current_step  INTEGER NOT NULL DEFAULT 0,      -- index into steps; only ever moves forward by one
    state         TEXT NOT NULL DEFAULT '{}',      -- JSON object of non-secret facts gathered so far
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    completed_at  TIMESTAMPTZ                      -- set once; a completed flow cannot move again
);
CREATE INDEX security_flow_session ON security_flow (session_id);
CREATE INDEX security_flow_expires ON security_flow (expires_at);

CREATE TABLE security_device (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL,                  -- hex SHA-256 of the device cookie's random value
    label          TEXT NOT NULL DEFAULT '',       -- 'Firefox on Windows', from the user agent
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    last_ip        TEXT NOT NULL DEFAULT '',
    registered     BOOLEAN NOT NULL DEFAULT FALSE, -- the member confirmed "this is my computer"
    registered_at  TIMESTAMPTZ,
    revoked_at     TIMESTAMPTZ,                    -- a revoked cookie is never recognised again
    UNIQUE (account_id, token_hash)
);

-- +goose Down
DROP TABLE security_device;
DROP TABLE security_flow;
DROP TABLE security_session;
