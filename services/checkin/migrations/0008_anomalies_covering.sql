-- +goose NO TRANSACTION
-- +goose Up
-- The anomalies' count reads every flagged record of an edition. Through 0006's index it
-- fetched each from the table, and flagged records are spread through the week's pages: at
-- 2.2 M flagged of 8.2 M records it read every page of the table (1.5 GB), 3.3 s warm and 6 s
-- cold. This index carries what the count groups by and reads, in the order it groups, so the
-- count reads the index alone (235 MB there) and groups as it goes: 0.8-1.0 s warm, 1.8 s cold
-- (docs/bench/latency.md, "The anomalies' count from the index alone"). Only flagged records
-- enter it, as before.
-- Built concurrently: check-ins go on being stored while a week's table is indexed. A build
-- that failed leaves an invalid index, which the next attempt drops first.
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies_grouped;
CREATE INDEX CONCURRENTLY checkin_records_anomalies_grouped
    ON checkin_records (edition_id, county_code, venue_id, terminal_id, activity_id, anomalies)
    INCLUDE (occurred_at) WHERE anomalies <> 0;
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS checkin_records_anomalies ON checkin_records (edition_id, county_code, venue_id) WHERE anomalies <> 0;
DROP INDEX CONCURRENTLY IF EXISTS checkin_records_anomalies_grouped;
