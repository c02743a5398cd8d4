-- +goose Up
-- Batched events make large payloads that PostgreSQL compresses when it stores them; lz4 does
-- that several times faster than the default pglz, which showed up as the check-in writers'
-- largest single cost under load. Servers built without lz4 keep pglz.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION default;
