-- +goose Up
-- An account's life: its token version rises whenever its sessions end (sign-out, password
-- change or reset, disabling), and tokens of a lower version are refused everywhere; a reset
-- leaves a one-time password that must be changed first; a disabled account cannot sign in.
ALTER TABLE accounts
    ADD COLUMN token_version        bigint      NOT NULL DEFAULT 0,
    ADD COLUMN disabled             boolean     NOT NULL DEFAULT false,
    ADD COLUMN must_change_password boolean     NOT NULL DEFAULT false,
    ADD COLUMN last_login_at        timestamptz;

-- +goose Down
ALTER TABLE accounts DROP COLUMN token_version, DROP COLUMN disabled, DROP COLUMN must_change_password, DROP COLUMN last_login_at;
