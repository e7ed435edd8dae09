-- The development outbox of notify.DevOutbox: texts, calls and emails that
-- the demo and the tests "send" by storing them here, so that a person or a
-- test can read the code that was sent. Bodies are in clear because reading
-- them is the point; production wiring must never use this table.

-- +goose Up
CREATE TABLE notify_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'voice', 'email')),
    recipient   TEXT NOT NULL,              -- E.164 number or email address, as sent
    subject     TEXT NOT NULL DEFAULT '',   -- email only
    body        TEXT NOT NULL,              -- in clear: development only
    purpose     TEXT NOT NULL,              -- 'login_code', 'activation', …
    sensitive   INTEGER NOT NULL DEFAULT 0, -- the body holds a secret such as a code
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX notify_outbox_recipient ON notify_outbox (lower(recipient), id);

-- +goose Down
DROP TABLE notify_outbox;
