-- +goose Up
-- Records are keyed by what the terminal chose, (terminal, sequence): one index fewer on the hot
-- path. Tickets are known by their signed id; a hash of the QR payload recognises replays.
ALTER TABLE checkin_records DROP CONSTRAINT checkin_records_pkey;
ALTER TABLE checkin_records DROP CONSTRAINT checkin_records_terminal_sequence;
ALTER TABLE checkin_records ADD PRIMARY KEY (terminal_id, terminal_sequence);
ALTER TABLE checkin_records DROP CONSTRAINT checkin_records_headcount_check;
DROP INDEX checkin_records_ticket_admitted;
ALTER TABLE checkin_records
    DROP COLUMN ticket_key,
    ADD COLUMN ticket_id uuid,
    ADD COLUMN payload_sha bytea,
    ADD COLUMN adults integer NOT NULL DEFAULT 0 CHECK (adults >= 0),
    ADD COLUMN group_name text NOT NULL DEFAULT '',
    ADD COLUMN anomalies smallint NOT NULL DEFAULT 0,
    ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
-- A ticket is admitted once, whichever terminal scans it.
CREATE UNIQUE INDEX checkin_records_ticket_admitted ON checkin_records (ticket_id) WHERE outcome = 1 AND ticket_id IS NOT NULL;

-- The read model learns each activity's sessions (for the outside-session flag), each edition's
-- ticket key, and the revoked tickets.
ALTER TABLE known_activities ADD COLUMN sessions jsonb NOT NULL DEFAULT '[]';
CREATE TABLE known_editions (
    id         text PRIMARY KEY,
    ticket_key bytea       NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE revoked_tickets (
    ticket_id  uuid PRIMARY KEY,
    revoked_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE revoked_tickets;
DROP TABLE known_editions;
ALTER TABLE known_activities DROP COLUMN sessions;
DROP INDEX checkin_records_ticket_admitted;
ALTER TABLE checkin_records DROP COLUMN ticket_id, DROP COLUMN payload_sha, DROP COLUMN adults, DROP COLUMN group_name, DROP COLUMN anomalies,
    DROP COLUMN seq, ADD COLUMN ticket_key text;
