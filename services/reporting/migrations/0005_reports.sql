-- +goose Up
-- editions is what the report back needs of each edition, from registration's events.
CREATE TABLE editions (
    edition_id        text PRIMARY KEY,
    name              text    NOT NULL,
    report_deadline   text    NOT NULL DEFAULT '',
    max_video_seconds integer NOT NULL DEFAULT 180,
    time_zone         text    NOT NULL DEFAULT 'Asia/Shanghai'
);

-- activities learn whether they are major demonstration activities (重大示范活动).
ALTER TABLE activities ADD COLUMN major boolean NOT NULL DEFAULT false;

-- report_columns are an edition's statistics table columns, in order; an edition without its
-- own uses the usual ones.
CREATE TABLE report_columns (
    edition_id text     NOT NULL,
    position   smallint NOT NULL,
    key        text     NOT NULL,
    label      text     NOT NULL,
    source     smallint NOT NULL,
    metric     text     NOT NULL DEFAULT '',
    decimals   smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (edition_id, key)
);

-- reports are the counties' reports; report_values their figures.
CREATE TABLE reports (
    edition_id      text        NOT NULL,
    county_code     text        NOT NULL,
    status          smallint    NOT NULL,
    late            boolean     NOT NULL DEFAULT false,
    on_time_once    boolean     NOT NULL DEFAULT false,
    reopened        boolean     NOT NULL DEFAULT false,
    returned_reason text        NOT NULL DEFAULT '',
    submitted_at    timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (edition_id, county_code)
);
CREATE TABLE report_values (
    edition_id  text NOT NULL,
    county_code text NOT NULL,
    column_key  text NOT NULL,
    typed       text NOT NULL DEFAULT '',
    corrected   text NOT NULL DEFAULT '',
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (edition_id, county_code, column_key),
    FOREIGN KEY (edition_id, county_code) REFERENCES reports ON DELETE CASCADE
);

-- report_files are the files; a deleted one keeps its row and content while an accepted
-- version refers to it.
CREATE TABLE report_files (
    id           uuid PRIMARY KEY,
    edition_id   text        NOT NULL,
    county_code  text        NOT NULL,
    kind         smallint    NOT NULL,
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    duration_ms  bigint      NOT NULL DEFAULT 0,
    sha256       text        NOT NULL,
    storage_key  text        NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    deleted_at   timestamptz
);
CREATE INDEX report_files_report ON report_files (edition_id, county_code) WHERE deleted_at IS NULL;

-- report_versions keep each accepted report as it was, figures and files.
CREATE TABLE report_versions (
    edition_id  text        NOT NULL,
    county_code text        NOT NULL,
    version     integer     NOT NULL,
    accepted_at timestamptz NOT NULL,
    accepted_by text        NOT NULL,
    figures     jsonb       NOT NULL,
    files       jsonb       NOT NULL,
    PRIMARY KEY (edition_id, county_code, version)
);

-- +goose Down
DROP TABLE report_versions;
DROP TABLE report_files;
DROP TABLE report_values;
DROP TABLE reports;
DROP TABLE report_columns;
ALTER TABLE activities DROP COLUMN major;
DROP TABLE editions;
