-- +goose Up
-- audit_entries is the service's audit trail: one row per state-changing call, sign-in, export
-- or download. It is append-only (no role may update, delete or truncate it, and a trigger refuses
-- it even to the table's owner and superusers) and a hash chain: each row's hash covers the
-- previous row's hash and the row itself, so an edited, removed or reordered row breaks the chain
-- that `sciweek audit verify` walks.
CREATE TABLE audit_entries (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    role       text        NOT NULL,
    county     text        NOT NULL,
    unit       text        NOT NULL,
    client     text        NOT NULL,
    method     text        NOT NULL,
    targets    text        NOT NULL,
    outcome    text        NOT NULL,
    reason     text        NOT NULL,
    prev_hash  bytea       NOT NULL,
    hash       bytea       NOT NULL UNIQUE
);
CREATE INDEX audit_entries_at ON audit_entries (at);
CREATE INDEX audit_entries_county_at ON audit_entries (county, at);

-- audit_heads are signed chain heads: now and then the service signs (Ed25519, with a key that
-- lives outside the database) the last entry's sequence and hash, so even removing the chain's
-- tail, or rewriting the whole chain, is caught by a verifier holding the public key.
CREATE TABLE audit_heads (
    seq        bigint      NOT NULL PRIMARY KEY,
    hash       bytea       NOT NULL,
    signed_at  timestamptz NOT NULL,
    key_id     text        NOT NULL,
    signature  bytea       NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_heads_append_only BEFORE UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The service's own role keeps INSERT and SELECT only. (An owner could grant these back to
-- itself, and a superuser ignores grants: the triggers above and the hash chain cover those.)
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_heads FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_heads FROM %I', current_user);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The trail is never dropped by a migration run backwards: that would be the quiet edit it exists
-- to prevent. Drop it by hand if a schema is retired.
SELECT 1;
