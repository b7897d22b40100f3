DROP FUNCTION number_pending_events(TEXT, BIGINT);
DROP FUNCTION number_staged_events(TEXT, BIGINT[]);
