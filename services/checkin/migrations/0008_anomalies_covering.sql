-- +goose NO TRANSACTION
-- +goose Up
-- The anomalies' count reads every flagged record of an edition. Through 0006's index it
-- fetched each from the table, and flagged records are spread through the week's pages: at
-- 2.2 M flagged of 8.2 M records it read every page of the table (1.5 GB), 3.3 s warm and 6 s
-- cold. This index carries what the count groups by and reads, so the count reads the index
-- alone, about a third of the time (docs/bench/latency.md, "The anomalies' count from the index
-- alone"). Only flagged records enter it, as before.
-- The key stays 0006's: the doors' records go in at one place per venue, after the venue's
-- last. Keyed by everything the count groups by, they went in at one place per door, activity
-- and set of flags, and the group commit's statement took a third longer where the benchmark
-- flags most records, for a count only a fifth faster.
-- Built concurrently: check-ins go on being stored while a week's table is indexed. A build
-- that failed leaves an invalid index, which the next attempt drops first.
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies_covering;
CREATE INDEX CONCURRENTLY checkin_records_anomalies_covering
    ON checkin_records (edition_id, county_code, venue_id)
    INCLUDE (terminal_id, activity_id, anomalies, occurred_at) WHERE anomalies <> 0;
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS checkin_records_anomalies ON checkin_records (edition_id, county_code, venue_id) WHERE anomalies <> 0;
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies_covering;
