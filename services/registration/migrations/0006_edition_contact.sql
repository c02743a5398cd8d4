-- +goose Up
-- The week's contact (#15 item 7): the notice names the bureau's office that collects the
-- reports, a person, a phone number and a mailbox; the edition carries them so the report pages
-- and the reminder e-mails can quote them. Empty strings mean none is given.
ALTER TABLE editions
    ADD COLUMN contact_office text NOT NULL DEFAULT '',
    ADD COLUMN contact_person text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone  text NOT NULL DEFAULT '',
    ADD COLUMN contact_email  text NOT NULL DEFAULT '';
-- The 2024 edition seeded by 0001 is the notice's own: its 联络人 line, as printed.
UPDATE editions SET contact_office = '市科技局国际合作办公室', contact_person = '王宏颖',
    contact_phone = '4222068', contact_email = 'w251342595@163.com'
WHERE id = '2024';

-- +goose Down
ALTER TABLE editions DROP COLUMN contact_office, DROP COLUMN contact_person, DROP COLUMN contact_phone,
    DROP COLUMN contact_email;
