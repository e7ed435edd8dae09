-- A login identity of the security core: an institution member, a firm's
-- staff user, a client of the portal. The domain tables (member, staff)
-- point at it; every other security table hangs off it.

-- +goose Up
CREATE TABLE security_account (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    realm                   TEXT NOT NULL,              -- whose logins: 'institution', 'institution-staff', 'ledgersync', 'portal'
    username                TEXT NOT NULL,              -- normalised: lower case, single spaces
    password_hash           TEXT NOT NULL DEFAULT '',   -- PHC argon2id; '' = no password set
    password_set_at         TIMESTAMPTZ,
    password_temporary      BOOLEAN NOT NULL DEFAULT FALSE, -- must be changed at the next login (S5)
    password_expires_at     TIMESTAMPTZ,                -- a temporary password's deadline (S5)
    security_level          TEXT NOT NULL DEFAULT 'standard', -- 'standard' | 'high' (S18)
    two_factor_enrolled_at  TIMESTAMPTZ,
    two_factor_skipped_at   TIMESTAMPTZ,                -- "skip for now" (S17)
    last_login_at           TIMESTAMPTZ,
    disabled_at             TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    UNIQUE (realm, username)
);

-- +goose Down
DROP TABLE security_account;
