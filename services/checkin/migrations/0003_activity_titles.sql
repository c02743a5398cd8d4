-- +goose Up
-- Terminals show the titles of today's activities at their venue (Hello).
ALTER TABLE known_activities ADD COLUMN title text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE known_activities DROP COLUMN title;
