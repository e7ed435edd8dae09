-- Failure counters per account and authentication method (S4): three wrong
-- passwords disable the password, three wrong answers block the questions,
-- three wrong PINs block PINs; other methods stay available.

-- +goose Up
CREATE TABLE security_method_state (
    account_id  BIGINT NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    method      TEXT NOT NULL,              -- 'password', 'questions', 'pin', 'callback', 'access_code', 'totp', 'recovery_code'
    failures    INTEGER NOT NULL DEFAULT 0, -- attempts counted before verification; reset by a success
    blocked_at  TIMESTAMPTZ,                -- set when failures reached the limit; cleared only by staff
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, method)
);

-- +goose Down
DROP TABLE security_method_state;
