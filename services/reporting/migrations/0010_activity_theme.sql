-- +goose Up
-- The themed weeks as a dimension (#15): each activity's themed week (主题科技周), as
-- registration's ActivityTheme numbers it (1 none, 2 农业, 3 气象, 4 林草, 5 交通运输). Figures
-- stay per activity (participation_counts, participation_hours), so a theme needs no
-- aggregate of its own and a rebuild from check-in's records gives the same breakdown.
-- Activities stored before now count under none until registration next announces them.
ALTER TABLE activities ADD COLUMN theme smallint NOT NULL DEFAULT 1 CHECK (theme BETWEEN 1 AND 5);
CREATE INDEX activities_theme ON activities (edition_id, theme) WHERE planned;

-- +goose Down
DROP INDEX activities_theme;
ALTER TABLE activities DROP COLUMN theme;
