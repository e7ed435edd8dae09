-- Challenge questions (REQUIREMENTS S8–S11): each account's set of three
-- questions, when they were collected (re-collected every 180 days), and the
-- rotation state that decides which one is asked next. Answers are stored
-- only as argon2id hashes of their normalised form.

-- +goose Up
CREATE TABLE challenge_set (
    account_id    BIGINT PRIMARY KEY REFERENCES security_account (id) ON DELETE CASCADE,
    collected_at  TIMESTAMPTZ NOT NULL,         -- when the member last set all three questions (S10)
    next_position INTEGER NOT NULL DEFAULT 0,   -- rotation cursor: the position considered first at the next ask (S9)
    asked         TEXT NOT NULL DEFAULT '',     -- question ids asked and not yet answered, comma-separated; '' = none
    failed        TEXT NOT NULL DEFAULT '',     -- question ids answered wrong at the last ask: not asked next (S9)
    version       INTEGER NOT NULL DEFAULT 0    -- bumped by every change; writers compare-and-set on it
);

CREATE TABLE challenge_question (
    account_id   BIGINT NOT NULL REFERENCES challenge_set (account_id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0), -- order the member chose them in; rotation follows it
    question_id  TEXT NOT NULL,                 -- a catalogue id ('MFA16') or 'CUSTOM' for the member's own question
    custom_text  TEXT NOT NULL DEFAULT '',      -- the member's own question; '' for catalogue questions
    answer_hash  TEXT NOT NULL,                 -- PHC argon2id of the normalised answer; never the answer
    PRIMARY KEY (account_id, position),
    UNIQUE (account_id, question_id)
);

-- +goose Down
DROP TABLE challenge_question;
DROP TABLE challenge_set;
