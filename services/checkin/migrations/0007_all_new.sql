-- +goose Up
-- checkin_all_new ends the statement that stores a batch of check-ins and their events in one
-- go when fewer rows were written than sent (a replay, a sequence used twice, a ticket admitted
-- elsewhere meanwhile): the statement is then undone as a whole, and the writer takes the path
-- that sorts such records out one by one. SQLSTATE SW001 tells that refusal from a failure.
-- +goose StatementBegin
CREATE FUNCTION checkin_all_new(written bigint, sent bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    IF written <> sent THEN
        RAISE EXCEPTION USING ERRCODE = 'SW001', MESSAGE = format('%s of %s check-ins were new', written, sent);
    END IF;
    RETURN written;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION checkin_all_new(bigint, bigint);
