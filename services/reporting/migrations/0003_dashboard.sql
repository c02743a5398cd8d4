-- +goose Up
-- Participations by category, as the statistics table counts them; they add up to ticketed +
-- walk_ins.
ALTER TABLE participation_counts
    ADD COLUMN young_people    bigint NOT NULL DEFAULT 0,
    ADD COLUMN adults          bigint NOT NULL DEFAULT 0,
    ADD COLUMN science_workers bigint NOT NULL DEFAULT 0,
    ADD COLUMN volunteers      bigint NOT NULL DEFAULT 0;

-- participation_hours is people admitted per activity and local hour, for the week's curve
-- filtered by form or target group; participation_county_hours is the same without the
-- activity, so the unfiltered curve reads a few thousand rows whatever the load.
CREATE TABLE participation_hours (
    edition_id  text     NOT NULL,
    county_code text     NOT NULL,
    day         date     NOT NULL,
    hour        smallint NOT NULL,
    activity_id uuid     NOT NULL,
    people      bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, day, hour, county_code, activity_id)
);
CREATE TABLE participation_county_hours (
    edition_id  text     NOT NULL,
    county_code text     NOT NULL,
    day         date     NOT NULL,
    hour        smallint NOT NULL,
    people      bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, day, hour, county_code)
);

-- activities is what registration says of each activity: its form and target groups for the
-- filters, whether it is planned (approved) and whether it is online.
CREATE TABLE activities (
    id            uuid PRIMARY KEY,
    edition_id    text        NOT NULL,
    county_code   text        NOT NULL,
    title         text        NOT NULL,
    form          smallint    NOT NULL,
    target_groups smallint[]  NOT NULL DEFAULT '{}',
    venue_id      uuid,
    planned       boolean     NOT NULL,
    online        boolean     NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX activities_edition ON activities (edition_id, county_code) WHERE planned;

-- edition_counties names the counties of each edition.
CREATE TABLE edition_counties (
    edition_id  text NOT NULL,
    county_code text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (edition_id, county_code)
);

-- ticket_holders maps tickets to the opaque key of the person they were signed up for;
-- people_seen holds each person admitted at least once per edition and county.
CREATE TABLE ticket_holders (
    ticket_id  uuid PRIMARY KEY,
    holder_key text NOT NULL
);
CREATE TABLE people_seen (
    edition_id  text NOT NULL,
    county_code text NOT NULL,
    holder_key  text NOT NULL,
    PRIMARY KEY (edition_id, county_code, holder_key)
);

-- rebuilds remembers up to which stream position a rebuild replays, so replayed records do
-- not announce occupancy alarms a second time.
CREATE TABLE rebuilds (
    projection      text PRIMARY KEY,
    replay_until    bigint      NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE rebuilds;
DROP TABLE people_seen;
DROP TABLE ticket_holders;
DROP TABLE edition_counties;
DROP TABLE activities;
DROP TABLE participation_county_hours;
DROP TABLE participation_hours;
ALTER TABLE participation_counts DROP COLUMN young_people, DROP COLUMN adults, DROP COLUMN science_workers, DROP COLUMN volunteers;
