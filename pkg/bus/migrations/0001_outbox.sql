-- +goose Up
-- outbox holds events written in the same transaction as the change they describe; the relay
-- publishes them to JetStream in seq order and deletes them once the stream has them.
CREATE TABLE outbox (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL,
    subject     text        NOT NULL,
    msg_type    text        NOT NULL,
    payload     bytea       NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- projection_checkpoints holds, per projection, the last stream sequence applied; it changes in
-- the same transaction as the projection's tables, which is what makes each event count once.
CREATE TABLE projection_checkpoints (
    name          text PRIMARY KEY,
    stream        text        NOT NULL,
    last_sequence bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE projection_checkpoints;
DROP TABLE outbox;
