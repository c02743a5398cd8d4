-- +goose Up
-- notices are the notification centre's: each for an audience (the bureau, a county's admins,
-- a unit's organizers); key makes one raised twice (a redelivered event, a reminder checked
-- again) one notice.
CREATE TABLE notices (
    id         uuid PRIMARY KEY,
    kind       smallint    NOT NULL,
    audience   text        NOT NULL,
    scope      text        NOT NULL DEFAULT '',
    edition_id text        NOT NULL DEFAULT '',
    title      text        NOT NULL,
    body       text        NOT NULL,
    link       text        NOT NULL DEFAULT '',
    key        text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);
CREATE INDEX notices_audience ON notices (audience, scope, created_at DESC);

-- notice_reads are who read which notice.
CREATE TABLE notice_reads (
    subject   text        NOT NULL,
    notice_id uuid        NOT NULL REFERENCES notices ON DELETE CASCADE,
    read_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, notice_id)
);

-- notice_mailboxes are the addresses people gave for their notices, with the audience they
-- receive as.
CREATE TABLE notice_mailboxes (
    subject    text PRIMARY KEY,
    audience   text        NOT NULL,
    scope      text        NOT NULL DEFAULT '',
    email      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notice_mailboxes_audience ON notice_mailboxes (audience, scope);

-- notice_emails are the e-mails to send, queued in the transaction that raised the notice and
-- sent by the centre's sender, retried with a growing wait.
CREATE TABLE notice_emails (
    id         bigserial PRIMARY KEY,
    notice_id  uuid        NOT NULL REFERENCES notices ON DELETE CASCADE,
    email      text        NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    next_at    timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    last_error text        NOT NULL DEFAULT ''
);
CREATE INDEX notice_emails_pending ON notice_emails (next_at) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE notice_emails;
DROP TABLE notice_mailboxes;
DROP TABLE notice_reads;
DROP TABLE notices;
