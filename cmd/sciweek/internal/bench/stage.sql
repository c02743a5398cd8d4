-- The insert stage's own table, in the benchmark's own schema: the columns, keys and indexes of
-- check-in's system of record as its migrations leave it (services/checkin/migrations), so
-- PostgreSQL's ceiling for rows of that shape is measured beside a running service without
-- touching the service's tables. Keep it in step when those migrations change the table.
CREATE TABLE records (
    id                 uuid        NOT NULL,
    terminal_id        uuid        NOT NULL,
    terminal_sequence  bigint      NOT NULL CHECK (terminal_sequence > 0),
    edition_id         text        NOT NULL,
    county_code        text        NOT NULL,
    venue_id           uuid        NOT NULL,
    activity_id        uuid        NOT NULL,
    kind               smallint    NOT NULL,
    category           smallint    NOT NULL,
    headcount          integer     NOT NULL,
    outcome            smallint    NOT NULL,
    refusal            smallint    NOT NULL DEFAULT 0,
    first_admitted_at  timestamptz,
    occurred_at        timestamptz NOT NULL,
    recorded_at        timestamptz NOT NULL,
    ticket_id          uuid,
    payload_sha        bytea,
    adults             integer     NOT NULL DEFAULT 0 CHECK (adults >= 0),
    group_name         text        NOT NULL DEFAULT '',
    anomalies          smallint    NOT NULL DEFAULT 0,
    seq                bigint      GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (terminal_id, terminal_sequence)
);
CREATE UNIQUE INDEX records_ticket_admitted ON records (ticket_id) WHERE outcome = 1 AND ticket_id IS NOT NULL;
CREATE INDEX records_admitted_tickets ON records (venue_id, recorded_at) WHERE outcome = 1 AND ticket_id IS NOT NULL;
CREATE INDEX records_recorded_brin ON records USING brin (recorded_at);
