-- Numbering staged events in one round trip. The sequencer used to run five statements per
-- batch (BEGIN, lock the tenant, number, move the sequence, COMMIT); each is a round trip, and
-- on a busy database round trips cost more than the work. These functions do the same in one
-- call, outside any explicit transaction.
--
-- Why functions and not one statement with CTEs: a statement sees one snapshot, taken before
-- it waits for the tenant's lock, so it could not see events another sequencer numbered while
-- it waited. Inside a (volatile) function each statement takes a fresh snapshot, so after the
-- lock is granted the numbering sees everything the previous holder committed.

-- Numbers the staged events `ids` (in that order) that are still unnumbered, continuing the
-- tenant's sequence, and returns their ids and numbers (the caller has their data). One
-- primary-key update per event: a plan that cannot go wrong as the table grows (a set-based
-- UPDATE planned once while `events` was small kept scanning all of it).
CREATE FUNCTION number_staged_events(tenant TEXT, ids BIGINT[])
RETURNS TABLE (numbered_id BIGINT, numbered_seq BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    base BIGINT;
    numbered BIGINT := 0;
    staged_id BIGINT;
BEGIN
    -- NO KEY UPDATE: writers staging events (their foreign key takes KEY SHARE on this row)
    -- carry on; other numbering calls for the tenant wait their turn.
    SELECT event_seq INTO base FROM tenants WHERE id = tenant FOR NO KEY UPDATE;
    FOREACH staged_id IN ARRAY ids LOOP
        UPDATE events SET seq = base + numbered + 1
        WHERE id = staged_id AND tenant_id = tenant AND seq IS NULL;
        IF FOUND THEN
            numbered := numbered + 1;
            numbered_id := staged_id;
            numbered_seq := base + numbered;
            RETURN NEXT;
        END IF;
    END LOOP;
    IF numbered > 0 THEN
        UPDATE tenants SET event_seq = base + numbered WHERE id = tenant;
    END IF;
END $$;

-- Numbers up to `max_events` of the tenant's unnumbered events in staging order (the sweep, for
-- events a stopped process staged and never numbered). Planned on every call, with the real
-- limit: the pending-events index is the way in only while few events are pending.
CREATE FUNCTION number_pending_events(tenant TEXT, max_events BIGINT) RETURNS SETOF events
LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    base BIGINT;
    numbered BIGINT;
BEGIN
    SELECT event_seq INTO base FROM tenants WHERE id = tenant FOR NO KEY UPDATE;
    RETURN QUERY
        UPDATE events SET seq = base + pending.n
        FROM (SELECT e.id, row_number() OVER (ORDER BY e.id) AS n FROM events e
              WHERE e.tenant_id = tenant AND e.seq IS NULL ORDER BY e.id LIMIT max_events) AS pending
        WHERE events.id = pending.id
        RETURNING events.*;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        UPDATE tenants SET event_seq = base + numbered WHERE id = tenant;
    END IF;
END $$;

