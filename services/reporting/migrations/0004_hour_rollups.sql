-- +goose Up
-- The week's curve filtered by a form or a target group reads these roll-ups (a few thousand
-- rows) instead of the per-activity hours (a hundred thousand and more). They follow the
-- activities: check-ins of an activity not described yet count under form 0 and no group, and
-- move when registration's event arrives.
CREATE TABLE participation_form_hours (
    edition_id  text     NOT NULL,
    county_code text     NOT NULL,
    day         date     NOT NULL,
    hour        smallint NOT NULL,
    form        smallint NOT NULL,
    people      bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, form, day, hour, county_code)
);
CREATE TABLE participation_group_hours (
    edition_id   text     NOT NULL,
    county_code  text     NOT NULL,
    day          date     NOT NULL,
    hour         smallint NOT NULL,
    target_group smallint NOT NULL,
    people       bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, target_group, day, hour, county_code)
);

-- When registration describes an activity (or changes its form or groups), its hours move
-- between the roll-ups; they are found by activity.
CREATE INDEX participation_hours_activity ON participation_hours (activity_id);

-- people_counts keeps the number of rows of people_seen per edition and county, so the
-- dashboard reads one row instead of counting a million.
CREATE TABLE people_counts (
    edition_id  text   NOT NULL,
    county_code text   NOT NULL,
    people      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, county_code)
);
INSERT INTO people_counts (edition_id, county_code, people)
    SELECT edition_id, county_code, count(*) FROM people_seen GROUP BY 1, 2;

-- +goose Down
DROP TABLE people_counts;
DROP INDEX participation_hours_activity;
DROP TABLE participation_group_hours;
DROP TABLE participation_form_hours;
