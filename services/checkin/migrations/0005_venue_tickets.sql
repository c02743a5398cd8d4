-- +goose Up
-- The tickets issued for each venue's activities, as registration announced them: a door syncs
-- its venue's, so a ticket whose short code is typed in is admitted like a scanned one, offline
-- too. seq numbers them in the order check-in learnt of them (one projection writes them), so a
-- door asks for those after the last it has.
CREATE TABLE venue_tickets (
    ticket_id   uuid PRIMARY KEY,
    venue_id    uuid        NOT NULL,
    short_code  text        NOT NULL,
    payload     text        NOT NULL,
    valid_until timestamptz NOT NULL,
    seq         bigint      GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX venue_tickets_venue_seq ON venue_tickets (venue_id, seq);

-- +goose Down
DROP TABLE venue_tickets;
