-- +goose Up
-- throttle_counters keeps the failures and hits counted against one key (an account, a client
-- address, a phone's hash) so that every replica of a service refuses alike.
CREATE TABLE throttle_counters (
    key           text        PRIMARY KEY,
    count         integer     NOT NULL,
    window_ends   timestamptz NOT NULL,
    blocked_until timestamptz NOT NULL,
    locked        boolean     NOT NULL DEFAULT false
);
CREATE INDEX throttle_counters_window_ends ON throttle_counters (window_ends);

-- +goose Down
DROP TABLE throttle_counters;
