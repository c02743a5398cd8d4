-- +goose Up
-- venue_limits are the venue registry's crowd limits, from VenueChanged events.
CREATE TABLE venue_limits (
    venue_id      uuid   PRIMARY KEY,
    name          text   NOT NULL,
    county_code   text   NOT NULL,
    safe_capacity bigint NOT NULL DEFAULT 0,
    warn_percent  bigint NOT NULL DEFAULT 0,
    alarm_percent bigint NOT NULL DEFAULT 0
);

-- venue_occupancy is the people in and out of each venue per local day; a new day starts from
-- nought, which closes the previous day for whoever did not check out. level is the last level
-- announced, so a change is announced once.
CREATE TABLE venue_occupancy (
    venue_id    uuid        NOT NULL,
    day         date        NOT NULL,
    county_code text        NOT NULL,
    entered     bigint      NOT NULL DEFAULT 0,
    exited      bigint      NOT NULL DEFAULT 0,
    level       smallint    NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, venue_id)
);

-- +goose Down
DROP TABLE venue_occupancy;
DROP TABLE venue_limits;
