-- +goose Up
-- A checkpoint is a position in one incarnation of a stream: stream_created is that stream's
-- creation time (JetStream's StreamInfo.Created). A stream deleted and made again counts from 1
-- and has another creation time, so a projection tells "the stream started over" from "nothing
-- new" and reconciles instead of waiting for a sequence that will never come. NULL is a
-- checkpoint stored before the column existed: the runner adopts the stream it finds.
ALTER TABLE projection_checkpoints ADD COLUMN stream_created timestamptz;

-- +goose Down
ALTER TABLE projection_checkpoints DROP COLUMN stream_created;
