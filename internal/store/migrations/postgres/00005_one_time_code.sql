-- Phones and one-time secrets (S13–S16): a member's up to four phones, the
-- 6-digit codes sent to them (bound to a flow, with one failure count per
-- flow that a resend does not reset), staff-issued one-time access codes,
-- TOTP authenticators and recovery codes. No plaintext code is stored: codes
-- are kept as keyed hashes (HMAC-SHA256) or, for high-entropy access codes,
-- SHA-256; the TOTP secret is sealed by the caller's envelope encryption.

-- +goose Up
CREATE TABLE security_phone (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    slot          INTEGER NOT NULL CHECK (slot >= 1),   -- 1..max phones: UNIQUE below makes the cap race-free
    number        TEXT NOT NULL,                        -- E.164, '+15555550123'
    region        TEXT NOT NULL,                        -- ISO 3166 region of the number: 'US', 'CA', 'GB'
    kind          TEXT NOT NULL CHECK (kind IN ('mobile', 'landline')),   -- declared by the member
    role          TEXT NOT NULL CHECK (role IN ('primary', 'recovery', 'other')),
    label         TEXT NOT NULL DEFAULT '',
    verified_at   TIMESTAMPTZ,
    collected_at  TIMESTAMPTZ NOT NULL,                 -- last entered or confirmed by the member (S10)
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (account_id, slot),
    UNIQUE (account_id, number)
);
CREATE UNIQUE INDEX security_phone_one_primary ON security_phone (account_id) WHERE role = 'primary';
CREATE UNIQUE INDEX security_phone_one_recovery ON security_phone (account_id) WHERE role = 'recovery';

-- One row per flow that sent codes: the failure count lives here, not on a
-- code, so that asking for a new code does not reset it.
CREATE TABLE security_otp_flow (
    account_id    BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    flow_id       TEXT NOT NULL,
    purpose       TEXT NOT NULL,                        -- 'login', 'enrol', 'transfer', …
    attempts      INTEGER NOT NULL DEFAULT 0,           -- counted before comparing
    max_attempts  INTEGER NOT NULL,
    sends         INTEGER NOT NULL DEFAULT 0,           -- codes issued in this flow
    completed_at  TIMESTAMPTZ,                          -- a code was accepted: the flow is spent
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, flow_id)
);
CREATE INDEX security_otp_flow_updated ON security_otp_flow (updated_at);

CREATE TABLE security_otp_code (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT NOT NULL,
    flow_id       TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('sms', 'voice', 'email')),
    phone_id      BIGINT REFERENCES security_phone (id) ON DELETE SET NULL,
    code_hash     BYTEA NOT NULL,                       -- HMAC-SHA256(server key, account, flow, purpose, code)
    issued_at     TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ,
    replaced_at   TIMESTAMPTZ,                          -- a newer code of the flow was issued
    FOREIGN KEY (account_id, flow_id) REFERENCES security_otp_flow (account_id, flow_id) ON DELETE CASCADE
);
CREATE INDEX security_otp_code_flow ON security_otp_code (account_id, flow_id, id);

CREATE TABLE security_access_code (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    code_hash     BYTEA NOT NULL UNIQUE,                -- SHA-256 of the normalised code (~49 random bits)
    issued_by     BIGINT NOT NULL REFERENCES security_account (id),
    reason        TEXT NOT NULL DEFAULT '',
    issued_at     TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    revoked_by    BIGINT REFERENCES security_account (id),
    CHECK (issued_by <> account_id)
);
CREATE INDEX security_access_code_account ON security_access_code (account_id, id);

CREATE TABLE security_totp (
    account_id      BIGINT PRIMARY KEY REFERENCES security_account (id) ON DELETE CASCADE,
    secret_sealed   BYTEA NOT NULL,                     -- sealed by the caller's Sealer, bound to the account
    created_at      TIMESTAMPTZ NOT NULL,
    confirmed_at    TIMESTAMPTZ,                        -- NULL until a first valid code
    last_used_step  BIGINT                              -- the last accepted 30-second step: replay guard
);

CREATE TABLE security_recovery_code (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    code_hash     BYTEA NOT NULL,                       -- HMAC-SHA256(server key, account, code)
    created_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ,
    UNIQUE (account_id, code_hash)
);

-- +goose Down
DROP TABLE security_recovery_code;
DROP TABLE security_totp;
DROP TABLE security_access_code;
DROP TABLE security_otp_code;
DROP TABLE security_otp_flow;
DROP TABLE security_phone;
