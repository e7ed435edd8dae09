-- Phones and one-time secrets (S13–S16): a member's up to four phones, the
-- 6-digit codes sent to them (bound to a flow, with one failure count per
-- flow that a resend does not reset), staff-issued one-time access codes,
-- TOTP authenticators and recovery codes. No plaintext code is stored: codes
-- are kept as keyed hashes (HMAC-SHA256) or, for high-entropy access codes,
-- SHA-256; the TOTP secret is sealed by the caller's envelope encryption.

-- +goose Up
CREATE TABLE security_phone (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    slot          INTEGER NOT NULL CHECK (slot >= 1),   -- 1..max phones: UNIQUE below makes the cap race-free
    number        TEXT NOT NULL,                        -- E.164, '+15555550123'
    region        TEXT NOT NULL,                        -- ISO 3166 region of the number: 'US', 'CA', 'GB'
    kind          TEXT NOT NULL CHECK (kind IN ('mobile', 'landline')),   -- declared by the member
    role          TEXT NOT NULL CHECK (role IN ('primary', 'recovery', 'other')),
    label         TEXT NOT NULL DEFAULT '',
    verified_at   TIMESTAMP,
    collected_at  TIMESTAMP NOT NULL,                   -- last entered or confirmed by the member (S10)
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (account_id, slot),
    UNIQUE (account_id, number)
);
CREATE UNIQUE INDEX security_phone_one_primary ON security_phone (account_id) WHERE role = 'primary';
CREATE UNIQUE INDEX security_phone_one_recovery ON security_phone (account_id) WHERE role = 'recovery';

-- One row per flow that sent codes: the failure count lives here, not on a
-- code, so that asking for a new code does not reset it.
CREATE TABLE security_otp_flow (
    account_id    INTEGER NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    flow_id       TEXT NOT NULL,
    purpose       TEXT NOT NULL,                        -- 'login', 'enrol', 'transfer', …
    attempts      INTEGER NOT NULL DEFAULT 0,           -- counted before comparing
    max_attempts  INTEGER NOT NULL,
    sends         INTEGER NOT NULL DEFAULT 0,           -- codes issued in this flow
    completed_at  TIMESTAMP,                            -- a code was accepted: the flow is spent
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, flow_id)
);
CREATE INDEX security_otp_flow_updated ON security_otp_flow (updated_at);

CREATE TABLE security_otp_code (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL,
    flow_id       TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('sms', 'voice', 'email')),
    phone_id      INTEGER REFERENCES security_phone (id) ON DELETE SET NULL,
    code_hash     BLOB NOT NULL,                        -- HMAC-SHA256(server key, account, flow, purpose, code)
    issued_at     TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    replaced_at   TIMESTAMP,                            -- a newer code of the flow was issued
    FOREIGN KEY (account_id, flow_id) REFERENCES security_otp_flow (account_id, flow_id) ON DELETE CASCADE
);
CREATE INDEX security_otp_code_flow ON security_otp_code (account_id, flow_id, id);

CREATE TABLE security_access_code (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    code_hash     BLOB NOT NULL UNIQUE,                 -- SHA-256 of the normalised code (~49 random bits)
    issued_by     INTEGER NOT NULL REFERENCES security_account (id),
    reason        TEXT NOT NULL DEFAULT '',
    issued_at     TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    revoked_at    TIMESTAMP,
    revoked_by    INTEGER REFERENCES security_account (id),
    CHECK (issued_by <> account_id)
);
CREATE INDEX security_access_code_account ON security_access_code (account_id, id);

CREATE TABLE security_totp (
    account_id      INTEGER PRIMARY KEY REFERENCES security_account (id) ON DELETE CASCADE,
    secret_sealed   BLOB NOT NULL,                      -- sealed by the caller's Sealer, bound to the account
    created_at      TIMESTAMP NOT NULL,
    confirmed_at    TIMESTAMP,                          -- NULL until a first valid code
    last_used_step  INTEGER                             -- the last accepted 30-second step: replay guard
);

CREATE TABLE security_recovery_code (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    code_hash     BLOB NOT NULL,                        -- HMAC-SHA256(server key, account, code)
    created_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    UNIQUE (account_id, code_hash)
);

-- +goose Down
DROP TABLE security_recovery_code;
DROP TABLE security_totp;
DROP TABLE security_access_code;
DROP TABLE security_otp_code;
DROP TABLE security_otp_flow;
DROP TABLE security_phone;
