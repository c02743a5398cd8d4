-- +goose Up
ALTER TABLE editions ADD COLUMN forms text[] NOT NULL DEFAULT '{}';

-- units are the organizer units: bases, museums, laboratories, schools, companies, communities
-- and themed departments. A unit belongs to one county; its name is unique there.
CREATE TABLE units (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    county_code text        NOT NULL,
    kind        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (county_code, name)
);

-- Activities registered before units existed get a unit named after their organizer.
INSERT INTO units (id, name, county_code, kind, created_at)
SELECT gen_random_uuid(), organizer, county_code, 'other', min(created_at) FROM activities GROUP BY organizer, county_code;

ALTER TABLE activities
    ADD COLUMN unit_id uuid REFERENCES units (id),
    ADD COLUMN venue_name text NOT NULL DEFAULT '',
    ADD COLUMN target_groups text[] NOT NULL DEFAULT '{public}',
    ADD COLUMN requires_signup boolean NOT NULL DEFAULT false,
    ADD COLUMN online_url text NOT NULL DEFAULT '',
    ADD COLUMN major_demonstration boolean NOT NULL DEFAULT false,
    ADD COLUMN workers_day_joint boolean NOT NULL DEFAULT false,
    ADD COLUMN description text NOT NULL DEFAULT '',
    ALTER COLUMN venue_id DROP NOT NULL;
UPDATE activities a SET unit_id = u.id FROM units u WHERE u.name = a.organizer AND u.county_code = a.county_code;
ALTER TABLE activities ALTER COLUMN unit_id SET NOT NULL;
CREATE INDEX activities_unit ON activities (unit_id, created_at DESC);

-- confirmed and waiting count the session's sign-ups; they change with the session row locked,
-- which is what keeps places from being oversold.
ALTER TABLE activity_sessions
    ADD COLUMN confirmed integer NOT NULL DEFAULT 0 CHECK (confirmed >= 0),
    ADD COLUMN waiting integer NOT NULL DEFAULT 0 CHECK (waiting >= 0);

ALTER TABLE accounts ADD COLUMN unit_id uuid REFERENCES units (id);

-- nominations are the counties' recommendations for the featured list (附件2).
CREATE TABLE nominations (
    activity_id    uuid PRIMARY KEY REFERENCES activities (id),
    edition_id     text        NOT NULL,
    county_code    text        NOT NULL,
    recommendation text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('nominated', 'accepted', 'declined')),
    nominated_by   text        NOT NULL,
    nominated_at   timestamptz NOT NULL,
    decided_by     text        NOT NULL DEFAULT '',
    decided_at     timestamptz,
    decision_note  text        NOT NULL DEFAULT ''
);
CREATE INDEX nominations_edition ON nominations (edition_id, county_code, nominated_at);

-- signups keep the minimum about a person: a name, the masked phone for lists, and a keyed
-- hash of the phone that enforces one place per phone and session.
CREATE TABLE signups (
    id               uuid PRIMARY KEY,
    edition_id       text        NOT NULL,
    activity_id      uuid        NOT NULL REFERENCES activities (id),
    session_id       uuid        NOT NULL REFERENCES activity_sessions (id),
    name             text        NOT NULL,
    phone_masked     text        NOT NULL,
    phone_hash       bytea       NOT NULL,
    age_group        text        NOT NULL CHECK (age_group IN ('minor', 'adult')),
    status           text        NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    manage_hash      bytea       NOT NULL,
    ticket_id        uuid UNIQUE,
    ticket_payload   text        NOT NULL DEFAULT '',
    valid_from       timestamptz,
    valid_until      timestamptz,
    cancelled_reason text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX signups_one_place_per_phone ON signups (session_id, phone_hash) WHERE status IN ('confirmed', 'waiting');
CREATE INDEX signups_queue ON signups (session_id, status, created_at, id);
CREATE INDEX signups_activity ON signups (activity_id, session_id, created_at);

-- +goose Down
DROP TABLE signups;
DROP TABLE nominations;
ALTER TABLE accounts DROP COLUMN unit_id;
ALTER TABLE activity_sessions DROP COLUMN confirmed, DROP COLUMN waiting;
ALTER TABLE activities DROP COLUMN unit_id, DROP COLUMN venue_name, DROP COLUMN target_groups, DROP COLUMN requires_signup,
    DROP COLUMN online_url, DROP COLUMN major_demonstration, DROP COLUMN workers_day_joint, DROP COLUMN description;
DROP TABLE units;
ALTER TABLE editions DROP COLUMN forms;
