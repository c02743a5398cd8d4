-- +goose Up
-- reconcile_skip holds the check-in events whose records a rebuild from check-in's table
-- already counted although the stream had not delivered them yet (they were in check-in's
-- outbox at the cut): the projection skips each once, when it arrives, and forgets it.
CREATE TABLE reconcile_skip (
    event_id uuid PRIMARY KEY
);

-- +goose Down
DROP TABLE reconcile_skip;
