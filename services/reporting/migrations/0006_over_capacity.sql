-- +goose Up
-- venue_over_capacity counts, per door and day, the people admitted after the door's staff
-- confirmed it while the venue was at its alarm level: the bureau sees which doors did.
CREATE TABLE venue_over_capacity (
    venue_id    uuid   NOT NULL,
    terminal_id uuid   NOT NULL,
    day         date   NOT NULL,
    admitted    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, venue_id, terminal_id)
);

-- +goose Down
DROP TABLE venue_over_capacity;
