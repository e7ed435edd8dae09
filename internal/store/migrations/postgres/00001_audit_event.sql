-- The append-only security event stream (REQUIREMENTS S31): every login,
-- failure, block, profile change and staff action, for both products. Rows
-- are never updated or deleted; triggers refuse it.

-- +goose Up
CREATE TABLE audit_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,          -- chosen by the writer, so a retried write cannot add a second row
    occurred_at TIMESTAMPTZ NOT NULL,
    scope       TEXT NOT NULL,                 -- whose log: 'institution' or 'firm:<id>'
    actor       TEXT NOT NULL,                 -- 'member:<id>', 'staff:<id>', 'system'
    action      TEXT NOT NULL,                 -- 'password.failed', 'method.blocked', …
    subject     TEXT NOT NULL DEFAULT '',      -- what it happened to: 'member:<id>', 'connection:<id>'
    ip          TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'     -- a JSON object of non-secret strings
);
CREATE INDEX audit_event_subject ON audit_event (scope, subject, id);

-- +goose StatementBegin
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- +goose Down
DROP TABLE audit_event;
DROP FUNCTION audit_event_append_only();
