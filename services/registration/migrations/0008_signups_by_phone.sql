-- +goose Up
-- "My sign-ups" finds a sign-up by the phone number it was made with and its manage code
-- (FindSignup): an index on the keyed phone hash keeps that a lookup, not a scan of every
-- sign-up of every edition.
CREATE INDEX signups_phone ON signups (phone_hash) WHERE phone_hash IS NOT NULL;

-- +goose Down
DROP INDEX signups_phone;
