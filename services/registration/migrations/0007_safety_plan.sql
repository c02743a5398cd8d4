-- +goose Up
-- An activity's security and emergency plan (#15 item 8): person responsible, phone, capacity
-- control, evacuation route, medical point and the plan's text, as one JSON object; a major
-- demonstration activity needs every part before its county approves it.
ALTER TABLE activities ADD COLUMN safety_plan jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE activities DROP COLUMN safety_plan;
