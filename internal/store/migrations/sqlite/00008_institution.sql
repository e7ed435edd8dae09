-- The institution server's bank: its members, their accounts, transactions,
-- statements, checks, transfers, delegates and staff.

-- +goose Up
CREATE TABLE bank_member (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    member_number       TEXT NOT NULL UNIQUE,
    security_account_id INTEGER UNIQUE REFERENCES security_account (id), -- NULL until the member enrols online
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    phone_on_file       TEXT NOT NULL DEFAULT '',   -- E.164, for the activation code (S7)
    address             TEXT NOT NULL DEFAULT '',   -- mailing address, lines separated by newlines
    ssn_first4          TEXT NOT NULL DEFAULT '',   -- only what the temporary-password formulas need (S5)
    ssn_last4           TEXT NOT NULL DEFAULT '',
    birth_year          INTEGER NOT NULL DEFAULT 0,
    activity_group      TEXT NOT NULL DEFAULT 'personal', -- abnormal activity monitoring (S30)
    watermark           TEXT NOT NULL DEFAULT '',   -- chosen image (S22)
    controls            TEXT NOT NULL DEFAULT '{}', -- Personal Internet Branch settings (S21), JSON
    confirmation_hash   TEXT NOT NULL DEFAULT '',   -- the member's confirmation code for transfers (S21), argon2id
    question_mode       TEXT NOT NULL DEFAULT '',   -- '' = the policy's; 'rotating' | 'two_of_three'
    created_at          TIMESTAMP NOT NULL
);

CREATE TABLE bank_account (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id           INTEGER NOT NULL REFERENCES bank_member (id),
    number              TEXT NOT NULL UNIQUE,
    type                TEXT NOT NULL,              -- 'checking' | 'savings' | 'credit_card'
    nickname            TEXT NOT NULL DEFAULT '',
    currency            TEXT NOT NULL DEFAULT 'USD',
    balance             INTEGER NOT NULL DEFAULT 0, -- minor units; posted (ledger) balance; for cards, owed is negative
    credit_limit        INTEGER NOT NULL DEFAULT 0,
    statement_cycle_day INTEGER NOT NULL DEFAULT 1, -- the last day of each statement period (1–28)
    opened_at           TIMESTAMP NOT NULL,
    closed_at           TIMESTAMP
);
CREATE INDEX bank_account_member ON bank_account (member_id);

CREATE TABLE bank_transaction (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES bank_account (id),
    fit_id       TEXT NOT NULL UNIQUE,              -- the institution's stable id (OFX FITID)
    status       TEXT NOT NULL,                     -- 'pending' | 'posted'
    pending_id   INTEGER REFERENCES bank_transaction (id), -- the pending item this posting replaced
    type         TEXT NOT NULL,                     -- OFX TRNTYPE: DEBIT, CREDIT, CHECK, POS, ATM, DIRECTDEP, DIRECTDEBIT, XFER, FEE, INT, PAYMENT
    occurred_on  TEXT NOT NULL,                     -- YYYY-MM-DD: posted date, or authorised date while pending
    amount       INTEGER NOT NULL,                  -- minor units: + credit, - debit
    description  TEXT NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    check_number TEXT NOT NULL DEFAULT '',
    payee        TEXT NOT NULL DEFAULT '',          -- checks: whom the check was written to
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX bank_transaction_account ON bank_transaction (account_id, occurred_on, id);

CREATE TABLE bank_statement (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES bank_account (id),
    period_start TEXT NOT NULL,                     -- YYYY-MM-DD
    period_end   TEXT NOT NULL,
    opening      INTEGER NOT NULL,
    closing      INTEGER NOT NULL,
    available_on TEXT NOT NULL,                     -- the day after the period ends
    UNIQUE (account_id, period_end)
);

CREATE TABLE bank_transfer (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id         INTEGER NOT NULL REFERENCES bank_member (id),
    kind              TEXT NOT NULL,                -- 'internal' | 'ach' | 'wire'
    from_account_id   INTEGER NOT NULL REFERENCES bank_account (id),
    to_account_id     INTEGER REFERENCES bank_account (id),
    to_routing        TEXT NOT NULL DEFAULT '',
    to_account_number TEXT NOT NULL DEFAULT '',
    to_name           TEXT NOT NULL DEFAULT '',
    amount            INTEGER NOT NULL,
    memo              TEXT NOT NULL DEFAULT '',
    reference         TEXT NOT NULL UNIQUE,          -- the number the member keeps as a receipt
    status            TEXT NOT NULL,                -- 'completed' | 'pending' | 'refused'
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE bank_delegate (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id           INTEGER NOT NULL REFERENCES bank_member (id),
    security_account_id INTEGER NOT NULL UNIQUE REFERENCES security_account (id),
    name                TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    revoked_at          TIMESTAMP
);

CREATE TABLE bank_staff (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    security_account_id INTEGER NOT NULL UNIQUE REFERENCES security_account (id),
    name                TEXT NOT NULL,
    role                TEXT NOT NULL,              -- 'teller' | 'admin'
    created_at          TIMESTAMP NOT NULL
);

CREATE TABLE bank_activity_group (
    name             TEXT PRIMARY KEY,
    normal_count     INTEGER NOT NULL,              -- monthly transactions up to this are normal
    abnormal_count   INTEGER NOT NULL,              -- … up to this abnormal, above it high risk
    normal_amount    INTEGER NOT NULL,              -- monthly debits (minor units) up to this are normal
    abnormal_amount  INTEGER NOT NULL
);

-- +goose Down
DROP TABLE bank_activity_group;
DROP TABLE bank_staff;
DROP TABLE bank_delegate;
DROP TABLE bank_transfer;
DROP TABLE bank_statement;
DROP TABLE bank_transaction;
DROP TABLE bank_account;
DROP TABLE bank_member;
