-- +goose Up
-- checkin_records is the system of record for attendance: every scan a terminal sent, admitted
-- or refused. (terminal_id, terminal_sequence) is the terminal's idempotency key.
CREATE TABLE checkin_records (
    id                 uuid PRIMARY KEY,
    terminal_id        uuid        NOT NULL,
    terminal_sequence  bigint      NOT NULL CHECK (terminal_sequence > 0),
    edition_id         text        NOT NULL,
    county_code        text        NOT NULL,
    venue_id           uuid        NOT NULL,
    activity_id        uuid        NOT NULL,
    kind               smallint    NOT NULL,
    category           smallint    NOT NULL,
    headcount          integer     NOT NULL CHECK (headcount > 0),
    ticket_key         text,
    outcome            smallint    NOT NULL,
    refusal            smallint    NOT NULL DEFAULT 0,
    first_admitted_at  timestamptz,
    occurred_at        timestamptz NOT NULL,
    recorded_at        timestamptz NOT NULL,
    CONSTRAINT checkin_records_terminal_sequence UNIQUE (terminal_id, terminal_sequence)
);
-- A ticket is admitted once, whichever terminal scans it.
CREATE UNIQUE INDEX checkin_records_ticket_admitted ON checkin_records (ticket_key) WHERE outcome = 1;

-- The read model: what check-in knows of venues, terminals and activities, from their owners'
-- events. updated_at guards against applying an older state over a newer one.
CREATE TABLE known_venues (
    id          uuid PRIMARY KEY,
    county_code text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE known_terminals (
    id                uuid PRIMARY KEY,
    venue_id          uuid        NOT NULL,
    county_code       text        NOT NULL,
    credential_sha256 bytea       NOT NULL,
    revoked           boolean     NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE known_activities (
    id          uuid PRIMARY KEY,
    edition_id  text        NOT NULL,
    county_code text        NOT NULL,
    venue_id    uuid        NOT NULL,
    status      text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE known_activities;
DROP TABLE known_terminals;
DROP TABLE known_venues;
DROP TABLE checkin_records;
