-- +goose Up
-- participation_counts are the live aggregates: people admitted per activity, venue, county and
-- local day. Each check-in event adds to one row exactly once (the projection checkpoint
-- commits with the increments).
CREATE TABLE participation_counts (
    edition_id  text   NOT NULL,
    county_code text   NOT NULL,
    day         date   NOT NULL,
    venue_id    uuid   NOT NULL,
    activity_id uuid   NOT NULL,
    ticketed    bigint NOT NULL DEFAULT 0,
    walk_ins    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, county_code, day, venue_id, activity_id)
);

CREATE TABLE refusal_counts (
    edition_id  text     NOT NULL,
    county_code text     NOT NULL,
    day         date     NOT NULL,
    venue_id    uuid     NOT NULL,
    reason      smallint NOT NULL,
    refused     bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, county_code, day, venue_id, reason)
);

-- +goose Down
DROP TABLE refusal_counts;
DROP TABLE participation_counts;
