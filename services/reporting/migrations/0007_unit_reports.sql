-- +goose Up
-- activities learn their organizer unit (for the units' own reports and the organizers' own
-- figures) and whether they are held jointly with Science and Technology Workers' Day.
ALTER TABLE activities
    ADD COLUMN unit_id     uuid,
    ADD COLUMN unit_name   text    NOT NULL DEFAULT '',
    ADD COLUMN workers_day boolean NOT NULL DEFAULT false;
CREATE INDEX activities_unit ON activities (edition_id, unit_id) WHERE planned;

-- Organizer units (各有关单位) report too: a report, its figures, files and versions belong to
-- a county and, for a unit's own report, the unit ('' is the county's own).
ALTER TABLE report_values DROP CONSTRAINT report_values_edition_id_county_code_fkey;
ALTER TABLE reports ADD COLUMN unit_id text NOT NULL DEFAULT '';
ALTER TABLE reports DROP CONSTRAINT reports_pkey, ADD PRIMARY KEY (edition_id, county_code, unit_id);
ALTER TABLE report_values ADD COLUMN unit_id text NOT NULL DEFAULT '';
ALTER TABLE report_values DROP CONSTRAINT report_values_pkey, ADD PRIMARY KEY (edition_id, county_code, unit_id, column_key),
    ADD FOREIGN KEY (edition_id, county_code, unit_id) REFERENCES reports ON DELETE CASCADE;
ALTER TABLE report_files ADD COLUMN unit_id text NOT NULL DEFAULT '';
DROP INDEX report_files_report;
CREATE INDEX report_files_report ON report_files (edition_id, county_code, unit_id) WHERE deleted_at IS NULL;
ALTER TABLE report_versions ADD COLUMN unit_id text NOT NULL DEFAULT '';
ALTER TABLE report_versions DROP CONSTRAINT report_versions_pkey, ADD PRIMARY KEY (edition_id, county_code, unit_id, version);

-- +goose Down
DELETE FROM report_versions WHERE unit_id <> '';
ALTER TABLE report_versions DROP CONSTRAINT report_versions_pkey, ADD PRIMARY KEY (edition_id, county_code, version);
ALTER TABLE report_versions DROP COLUMN unit_id;
DELETE FROM report_files WHERE unit_id <> '';
DROP INDEX report_files_report;
CREATE INDEX report_files_report ON report_files (edition_id, county_code) WHERE deleted_at IS NULL;
ALTER TABLE report_files DROP COLUMN unit_id;
DELETE FROM reports WHERE unit_id <> '';
ALTER TABLE report_values DROP CONSTRAINT report_values_edition_id_county_code_unit_id_fkey;
ALTER TABLE report_values DROP CONSTRAINT report_values_pkey, ADD PRIMARY KEY (edition_id, county_code, column_key);
ALTER TABLE report_values DROP COLUMN unit_id;
ALTER TABLE reports DROP CONSTRAINT reports_pkey, ADD PRIMARY KEY (edition_id, county_code);
ALTER TABLE reports DROP COLUMN unit_id;
ALTER TABLE report_values ADD FOREIGN KEY (edition_id, county_code) REFERENCES reports ON DELETE CASCADE;
DROP INDEX activities_unit;
ALTER TABLE activities DROP COLUMN unit_id, DROP COLUMN unit_name, DROP COLUMN workers_day;
