-- +goose Up
-- The themed weeks as a dimension (#15): every activity belongs to one themed week run by a
-- department (农业、气象、林草、交通运输科技周) or to none. Existing activities take the theme
-- their unit's kind gives, as a new activity does.
ALTER TABLE activities ADD COLUMN theme text NOT NULL DEFAULT 'none'
    CHECK (theme IN ('none', 'agriculture', 'meteorology', 'forestry_grassland', 'transport'));
UPDATE activities a SET theme = u.kind FROM units u
 WHERE u.id = a.unit_id AND u.kind IN ('agriculture', 'meteorology', 'forestry_grassland', 'transport');

-- +goose Down
ALTER TABLE activities DROP COLUMN theme;
