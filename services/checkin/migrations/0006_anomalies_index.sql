-- +goose Up
-- The console reads the flagged records (anomalies <> 0) of an edition by county and venue: a
-- few in a hundred of the table, found through a partial index instead of a scan of the week.
CREATE INDEX checkin_records_anomalies ON checkin_records (edition_id, county_code, venue_id) WHERE anomalies <> 0;

-- +goose Down
DROP INDEX checkin_records_anomalies;
