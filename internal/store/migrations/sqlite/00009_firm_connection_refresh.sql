-- LedgerSync's side: firms, their staff and clients (L1); the directory of
-- institutions; connections with their encrypted credentials, shared answers
-- and device state (L2, L3, L7, L8); every refresh attempt and the challenges
-- it relayed (L5, L6, L11); and the bank data that landed (L4). Every row a
-- firm owns carries firm_id, and every query filters on it.

-- +goose Up
CREATE TABLE firm (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',   -- E.164: the firm's number a client may add at the bank as a point of contact (L8)
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE firm_staff (
    firm_id     INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES security_account (id), -- realm 'ledgersync'; the username is the email
    name        TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL,              -- 'owner' | 'staff'
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (firm_id, account_id)
);
CREATE INDEX firm_staff_account ON firm_staff (account_id);

CREATE TABLE firm_client (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id     INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX firm_client_firm ON firm_client (firm_id, name);

-- The directory every firm picks its clients' banks from: not firm-owned.
CREATE TABLE institution (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- connector kind: 'ofx' | 'instapi'
    ofx_url     TEXT NOT NULL DEFAULT '',
    ofx_org     TEXT NOT NULL DEFAULT '',
    ofx_fid     TEXT NOT NULL DEFAULT '',
    api_url     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (name, kind)
);

CREATE TABLE connection (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id         INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    client_id       INTEGER NOT NULL REFERENCES firm_client (id) ON DELETE CASCADE,
    institution_id  INTEGER NOT NULL REFERENCES institution (id),
    label           TEXT NOT NULL DEFAULT '',
    credentials     BLOB NOT NULL,             -- sealed {username, password}; never shown back (L3)
    shared_answers  BLOB,                      -- sealed {question → answer} the client chose to share; NULL for none
    device_state    BLOB,                      -- sealed connector device state (cookies, CLIENTUID, device token) (L7)
    restricted      BOOLEAN NOT NULL DEFAULT FALSE, -- delegate / read-only credentials (L3)
    contact_phone   TEXT NOT NULL DEFAULT '',   -- a firm phone the client added at the bank (L8)
    schedule        TEXT NOT NULL DEFAULT 'daily', -- 'manual' | 'daily' | 'weekly' | 'monthly'
    status          TEXT NOT NULL DEFAULT 'new',   -- L11: ok, challenge_pending, action_required, canceled_or_aborted, invalid_credentials, locked, account_closed, institution_down, blocked
    status_detail   TEXT NOT NULL DEFAULT '',
    status_at       TIMESTAMP NOT NULL,
    last_success_at TIMESTAMP,
    next_refresh_at TIMESTAMP,                -- when the scheduler refreshes it next; NULL for manual
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX connection_firm ON connection (firm_id, status);
CREATE INDEX connection_next_refresh ON connection (next_refresh_at);

CREATE TABLE refresh (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    connection_id  INTEGER NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
    trigger        TEXT NOT NULL,             -- 'web' | 'api' | 'cli' | 'portal' | 'schedule' | 'retry'
    attended       BOOLEAN NOT NULL,
    state          TEXT NOT NULL,             -- 'queued' | 'running' | 'challenge_pending' | 'done'
    outcome        TEXT NOT NULL DEFAULT '',  -- the connection status it ended with, when done
    detail         TEXT NOT NULL DEFAULT '',
    challenges     INTEGER NOT NULL DEFAULT 0, -- how many challenges it met: 0 means it needed nobody
    accounts       INTEGER NOT NULL DEFAULT 0, -- what landed
    transactions_new     INTEGER NOT NULL DEFAULT 0,
    transactions_updated INTEGER NOT NULL DEFAULT 0,
    statements_new INTEGER NOT NULL DEFAULT 0,
    checks_new     INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP
);
CREATE INDEX refresh_connection ON refresh (connection_id, id);
CREATE INDEX refresh_firm_created ON refresh (firm_id, created_at);
-- One refresh at a time per connection: two would race at the bank.
CREATE UNIQUE INDEX refresh_one_active ON refresh (connection_id) WHERE state <> 'done';

CREATE TABLE refresh_challenge (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    refresh_id     INTEGER NOT NULL REFERENCES refresh (id) ON DELETE CASCADE,
    connection_id  INTEGER NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
    type           TEXT NOT NULL,             -- 'question' | 'choose_delivery' | 'code' | 'approve'
    prompt         TEXT NOT NULL,
    questions      TEXT NOT NULL DEFAULT '[]', -- JSON [{id, prompt}]
    options        TEXT NOT NULL DEFAULT '[]', -- JSON [{id, label, channel}]: masked destinations only
    attempts_left  INTEGER NOT NULL DEFAULT -1, -- -1: the bank does not say
    rejected       BOOLEAN NOT NULL DEFAULT FALSE, -- the previous answer was wrong
    state          BLOB NOT NULL,            -- sealed connector resumable state
    answer         BLOB,                     -- sealed answer, until the resume job used it
    status         TEXT NOT NULL,             -- 'pending' | 'answered' | 'expired' | 'canceled' | 'done'
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,      -- trigger + 180 s, or the bank's own expiry when sooner
    answered_at    TIMESTAMP
);
CREATE INDEX refresh_challenge_firm ON refresh_challenge (firm_id, status);
CREATE INDEX refresh_challenge_pending ON refresh_challenge (status, expires_at);

CREATE TABLE synced_account (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    connection_id  INTEGER NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
    external_id    TEXT NOT NULL,             -- the bank's id for it
    name           TEXT NOT NULL DEFAULT '',
    mask           TEXT NOT NULL DEFAULT '',
    type           TEXT NOT NULL,
    currency       TEXT NOT NULL DEFAULT 'USD',
    balance        INTEGER NOT NULL DEFAULT 0, -- minor units
    available      INTEGER,
    balance_at     TIMESTAMP,
    closed         BOOLEAN NOT NULL DEFAULT FALSE, -- closed at the bank: account_closed, not an error (L11)
    first_seen_at  TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    UNIQUE (connection_id, external_id)
);
CREATE INDEX synced_account_firm ON synced_account (firm_id);

CREATE TABLE synced_transaction (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES synced_account (id) ON DELETE CASCADE,
    external_id    TEXT NOT NULL,             -- FITID: the upsert key
    pending        BOOLEAN NOT NULL DEFAULT FALSE,
    pending_of     INTEGER REFERENCES synced_transaction (id) ON DELETE SET NULL, -- the pending one this posted one replaced
    posted_on      TEXT NOT NULL,             -- YYYY-MM-DD
    amount         INTEGER NOT NULL,           -- minor units
    currency       TEXT NOT NULL DEFAULT 'USD',
    description    TEXT NOT NULL DEFAULT '',
    memo           TEXT NOT NULL DEFAULT '',
    check_number   TEXT NOT NULL DEFAULT '',
    removed        BOOLEAN NOT NULL DEFAULT FALSE, -- a pending one the bank no longer lists
    first_refresh_id INTEGER NOT NULL,
    last_refresh_id  INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (account_id, external_id)
);
CREATE INDEX synced_transaction_firm ON synced_transaction (firm_id, account_id, posted_on);

CREATE TABLE synced_statement (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES synced_account (id) ON DELETE CASCADE,
    external_id    TEXT NOT NULL,
    period_start   TEXT NOT NULL,
    period_end     TEXT NOT NULL,
    blob_key       TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    fetched_at     TIMESTAMP NOT NULL,
    UNIQUE (account_id, external_id)
);

CREATE TABLE synced_check_image (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    transaction_id INTEGER NOT NULL REFERENCES synced_transaction (id) ON DELETE CASCADE,
    side           TEXT NOT NULL,             -- 'front' | 'back'
    blob_key       TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    fetched_at     TIMESTAMP NOT NULL,
    UNIQUE (transaction_id, side)
);

CREATE TABLE api_token (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash     TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the bearer token
    firm_id        INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES security_account (id) ON DELETE CASCADE,
    created_at     TIMESTAMP NOT NULL,
    last_used_at   TIMESTAMP NOT NULL,
    idle_expires_at TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);
CREATE INDEX api_token_account ON api_token (account_id);

-- +goose Down
DROP TABLE api_token;
DROP TABLE synced_check_image;
DROP TABLE synced_statement;
DROP TABLE synced_transaction;
DROP TABLE synced_account;
DROP TABLE refresh_challenge;
DROP TABLE refresh;
DROP TABLE connection;
DROP TABLE institution;
DROP TABLE firm_client;
DROP TABLE firm_staff;
DROP TABLE firm;
