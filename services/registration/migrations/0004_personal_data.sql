-- +goose Up
-- Personal data goes after the week (#12): each edition says how many days after its report
-- deadline the sign-ups' names and phone numbers are erased, and when that was done. An erased
-- sign-up keeps its row (so every count stays) but no name, masked phone or phone hash. The
-- phone hash's key no longer lives here: the service re-keys existing hashes with the key it is
-- given and deletes the stored one at start (adapters.RekeyPhones).
ALTER TABLE editions
    ADD COLUMN personal_data_retention_days integer     NOT NULL DEFAULT 0,
    ADD COLUMN personal_data_erased_at      timestamptz;
ALTER TABLE signups ALTER COLUMN phone_hash DROP NOT NULL;

-- +goose Down
ALTER TABLE signups ALTER COLUMN phone_hash SET NOT NULL;
ALTER TABLE editions DROP COLUMN personal_data_retention_days, DROP COLUMN personal_data_erased_at;
