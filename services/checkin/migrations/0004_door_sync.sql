-- +goose Up
-- The door app verifies tickets itself while offline: it syncs the editions' days (to refuse
-- scans from a broken clock), the names of doors and venues, the venue's safe capacity, the
-- revoked tickets and the tickets admitted at its venue.
ALTER TABLE known_editions
    ADD COLUMN starts_on text NOT NULL DEFAULT '',
    ADD COLUMN ends_on   text NOT NULL DEFAULT '',
    ADD COLUMN time_zone text NOT NULL DEFAULT '';
ALTER TABLE known_terminals ADD COLUMN name text NOT NULL DEFAULT '';
ALTER TABLE known_venues
    ADD COLUMN name          text    NOT NULL DEFAULT '',
    ADD COLUMN safe_capacity integer NOT NULL DEFAULT 0,
    ADD COLUMN warn_percent  integer NOT NULL DEFAULT 0,
    ADD COLUMN alarm_percent integer NOT NULL DEFAULT 0;
-- seq numbers revocations in the order check-in learnt of them (one projection writes them, one
-- transaction at a time), so a door asks for those after the last it has.
ALTER TABLE revoked_tickets ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX revoked_tickets_seq ON revoked_tickets (seq);
-- Admitted tickets by venue and time stored: a door's sync reads those since its last one. The
-- index holds admitted tickets only, so walk-ins and refusals cost the hot path nothing more.
CREATE INDEX checkin_records_admitted_tickets ON checkin_records (venue_id, recorded_at)
    WHERE outcome = 1 AND ticket_id IS NOT NULL;
-- Today's occupancy per venue is counted from the rows recorded today; recorded_at grows with
-- the table, so a BRIN index finds them at almost no cost per insert.
CREATE INDEX checkin_records_recorded_brin ON checkin_records USING brin (recorded_at);
-- generation tells a door's cursor from another database's: a cursor made before the table was
-- rebuilt or restored gets a full sync.
CREATE TABLE sync_generation (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    generation uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO sync_generation DEFAULT VALUES;

-- +goose Down
DROP TABLE sync_generation;
DROP INDEX checkin_records_recorded_brin;
DROP INDEX checkin_records_admitted_tickets;
DROP INDEX revoked_tickets_seq;
ALTER TABLE revoked_tickets DROP COLUMN seq;
ALTER TABLE known_venues DROP COLUMN name, DROP COLUMN safe_capacity, DROP COLUMN warn_percent, DROP COLUMN alarm_percent;
ALTER TABLE known_terminals DROP COLUMN name;
ALTER TABLE known_editions DROP COLUMN starts_on, DROP COLUMN ends_on, DROP COLUMN time_zone;
