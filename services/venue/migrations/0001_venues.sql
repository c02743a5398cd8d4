-- +goose Up
CREATE TABLE venues (
    id            uuid PRIMARY KEY,
    name          text        NOT NULL,
    kind          text        NOT NULL,
    county_code   text        NOT NULL,
    address       text        NOT NULL DEFAULT '',
    safe_capacity integer     NOT NULL DEFAULT 0 CHECK (safe_capacity >= 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX venues_county_name ON venues (county_code, name, id);
CREATE INDEX venues_name ON venues (name, id);

-- terminals keep only the SHA-256 of their credential: a leak of this table admits no one.
CREATE TABLE terminals (
    id                uuid PRIMARY KEY,
    venue_id          uuid        NOT NULL REFERENCES venues (id),
    county_code       text        NOT NULL,
    name              text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('active', 'revoked')),
    credential_sha256 bytea       NOT NULL,
    created_at        timestamptz NOT NULL,
    revoked_at        timestamptz
);
CREATE INDEX terminals_venue ON terminals (venue_id, created_at DESC);

-- +goose Down
DROP TABLE terminals;
DROP TABLE venues;
