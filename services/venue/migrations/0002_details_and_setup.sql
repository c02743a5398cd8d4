-- +goose Up
ALTER TABLE venues
    ADD COLUMN latitude double precision,
    ADD COLUMN longitude double precision,
    ADD COLUMN contact_name text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone text NOT NULL DEFAULT '',
    ADD COLUMN safety_plan_on_file boolean NOT NULL DEFAULT false,
    ADD COLUMN warn_percent integer NOT NULL DEFAULT 80 CHECK (warn_percent > 0),
    ADD COLUMN alarm_percent integer NOT NULL DEFAULT 100 CHECK (alarm_percent >= warn_percent);
CREATE UNIQUE INDEX venues_unique_name ON venues (county_code, name);

-- venue_files holds each venue's security and emergency plan (安全保卫方案及应急预案).
CREATE TABLE venue_files (
    venue_id     uuid PRIMARY KEY REFERENCES venues (id),
    file_name    text        NOT NULL,
    content_type text        NOT NULL,
    content      bytea       NOT NULL,
    uploaded_at  timestamptz NOT NULL
);

-- Terminals now start pending with a one-time setup code (only its hash is kept) and get their
-- credential when the device uses the code.
ALTER TABLE terminals DROP CONSTRAINT terminals_state_check;
ALTER TABLE terminals
    ADD CONSTRAINT terminals_state_check CHECK (state IN ('pending', 'active', 'revoked')),
    ALTER COLUMN credential_sha256 DROP NOT NULL,
    ADD COLUMN setup_sha256 bytea,
    ADD COLUMN setup_expires_at timestamptz,
    ADD COLUMN activated_at timestamptz,
    ADD COLUMN last_seen_at timestamptz;
UPDATE terminals SET activated_at = created_at WHERE state = 'active';
CREATE UNIQUE INDEX terminals_setup ON terminals (setup_sha256) WHERE state = 'pending';

-- +goose Down
DROP INDEX terminals_setup;
ALTER TABLE terminals DROP COLUMN setup_sha256, DROP COLUMN setup_expires_at, DROP COLUMN activated_at, DROP COLUMN last_seen_at;
DROP TABLE venue_files;
DROP INDEX venues_unique_name;
ALTER TABLE venues DROP COLUMN latitude, DROP COLUMN longitude, DROP COLUMN contact_name, DROP COLUMN contact_phone,
    DROP COLUMN safety_plan_on_file, DROP COLUMN warn_percent, DROP COLUMN alarm_percent;
