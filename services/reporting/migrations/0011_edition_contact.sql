-- +goose Up
-- The week's contact (#15 item 7) comes with registration's EditionChanged: the reminders quote
-- it. Empty strings mean the edition gives none.
ALTER TABLE editions
    ADD COLUMN contact_office text NOT NULL DEFAULT '',
    ADD COLUMN contact_person text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone  text NOT NULL DEFAULT '',
    ADD COLUMN contact_email  text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE editions DROP COLUMN contact_office, DROP COLUMN contact_person, DROP COLUMN contact_phone,
    DROP COLUMN contact_email;
