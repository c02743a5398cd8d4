-- +goose Up
-- The statistics audit compares reporting's figures per county and day with this table every
-- fifteen minutes. Read whole, a week's table (17 M records in `make bench`) took 8–17 s of
-- both cores, and met the doors' calls. tally_days keeps the day grain of the records stored
-- before tally_days_mark.settled_before, as the last export by day folded them, so the next
-- one reads only the records stored since (the BRIN index on recorded_at finds them).
CREATE TABLE tally_days (
    edition_id  text      NOT NULL,
    county_code text      NOT NULL,
    day         timestamp NOT NULL,
    kind        smallint  NOT NULL,
    outcome     smallint  NOT NULL,
    refusal     smallint  NOT NULL,
    category    smallint  NOT NULL,
    records     bigint    NOT NULL,
    headcount   bigint    NOT NULL,
    adults      bigint    NOT NULL
);
-- One row: what tally_days holds. Its days are local to time_zone and hold the records stored
-- before settled_before (none kept yet: NULL); whole_read_at is when the table was last read
-- whole. generation counts the exports that kept days: one that read the mark at a generation
-- no longer current keeps nothing, so two exports at once cannot mix their days.
CREATE TABLE tally_days_mark (
    id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
    time_zone      text        NOT NULL DEFAULT '',
    settled_before timestamptz,
    whole_read_at  timestamptz,
    generation     bigint      NOT NULL DEFAULT 0
);
INSERT INTO tally_days_mark DEFAULT VALUES;

-- +goose Down
DROP TABLE tally_days_mark;
DROP TABLE tally_days;
