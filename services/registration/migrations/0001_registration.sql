-- +goose Up
CREATE TABLE editions (
    id                text PRIMARY KEY,
    name              text    NOT NULL,
    theme             text    NOT NULL,
    starts_on         date    NOT NULL,
    ends_on           date    NOT NULL CHECK (ends_on >= starts_on),
    report_deadline   date    NOT NULL,
    max_video_seconds integer NOT NULL CHECK (max_video_seconds > 0),
    time_zone         text    NOT NULL
);

CREATE TABLE edition_counties (
    edition_id text    NOT NULL REFERENCES editions (id),
    code       text    NOT NULL,
    name       text    NOT NULL,
    position   integer NOT NULL,
    PRIMARY KEY (edition_id, code)
);

CREATE TABLE activities (
    id          uuid PRIMARY KEY,
    edition_id  text        NOT NULL REFERENCES editions (id),
    county_code text        NOT NULL,
    venue_id    uuid        NOT NULL,
    title       text        NOT NULL,
    organizer   text        NOT NULL,
    form        text        NOT NULL,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    FOREIGN KEY (edition_id, county_code) REFERENCES edition_counties (edition_id, code)
);
CREATE INDEX activities_listing ON activities (edition_id, county_code, created_at DESC);

CREATE TABLE activity_sessions (
    id          uuid PRIMARY KEY,
    activity_id uuid        NOT NULL REFERENCES activities (id),
    position    integer     NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    places      integer     NOT NULL CHECK (places >= 0),
    UNIQUE (activity_id, position)
);

-- activity_history keeps every review transition: who, when, and why.
CREATE TABLE activity_history (
    activity_id uuid        NOT NULL REFERENCES activities (id),
    position    integer     NOT NULL,
    status      text        NOT NULL,
    actor       text        NOT NULL,
    at          timestamptz NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    PRIMARY KEY (activity_id, position)
);

CREATE TABLE accounts (
    username      text PRIMARY KEY,
    password_hash bytea       NOT NULL,
    role          text        NOT NULL,
    county_code   text        NOT NULL DEFAULT '',
    display_name  text        NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- signing_keys holds the service's private keys; they are generated on first start and only
-- their public halves ever leave the service.
CREATE TABLE signing_keys (
    purpose     text PRIMARY KEY,
    private_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The 2024 Taiyuan edition ships as the default (notice 并科〔2024〕12号).
INSERT INTO editions (id, name, theme, starts_on, ends_on, report_deadline, max_video_seconds, time_zone)
VALUES ('2024', '2024年太原市科技活动周', '弘扬科学家精神 激发全社会创新活力', '2024-05-25', '2024-06-01', '2024-06-10', 180, 'Asia/Shanghai');

INSERT INTO edition_counties (edition_id, code, name, position) VALUES
    ('2024', '140105', '小店区', 1),
    ('2024', '140106', '迎泽区', 2),
    ('2024', '140107', '杏花岭区', 3),
    ('2024', '140108', '尖草坪区', 4),
    ('2024', '140109', '万柏林区', 5),
    ('2024', '140110', '晋源区', 6),
    ('2024', '140121', '清徐县', 7),
    ('2024', '140122', '阳曲县', 8),
    ('2024', '140123', '娄烦县', 9),
    ('2024', '140181', '古交市', 10);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE accounts;
DROP TABLE activity_history;
DROP TABLE activity_sessions;
DROP TABLE activities;
DROP TABLE edition_counties;
DROP TABLE editions;
