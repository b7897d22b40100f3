-- A conversation's activity for one visitor message of a batch (`store/open_thread_batch.rs`),
-- found by its key. A function so that it is planned as a single-row statement, a primary-key
-- lookup: joined with the batch's rows inside one statement, PostgreSQL planned the update once,
-- while the table was new and nearly empty, as a sequential scan, and the duplicate check as a
-- scan of the whole client-id index, and kept that plan as both grew (batches took 100 ms
-- after 20 s at 2,000 messages a second, until the first ANALYZE replanned them).
--
-- Returns the conversation's new version (`xmin`), or NULL, changing nothing, when the client id
-- is already stored in it (a resend) or the conversation, its visitor or its assignee is no
-- longer at the version read. A message with that client id stored meanwhile also moved the
-- conversation, so the version check catches it; a conversation being changed right now is
-- checked again, at its new version, once that change ends (the visitor's and the assignee's
-- rows are compared as they were last committed, as in the one-by-one append).
CREATE FUNCTION record_visitor_message(
    tenant TEXT,
    conversation TEXT,
    conversation_version TEXT,
    visitor_version TEXT,
    assignee_version TEXT,
    new_message_count BIGINT,
    activity_at TIMESTAMP,
    customer_message_at TIMESTAMP,
    client_id TEXT
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    new_version TEXT;
BEGIN
    IF EXISTS (SELECT 1 FROM messages m
               WHERE m.conversation_id = conversation AND m.client_message_id = client_id) THEN
        RETURN NULL;
    END IF;
    -- `IS TRUE`: the tenant is checked on the row, never taken as an index condition (see
    -- `push_record_activity` in store/conversations.rs).
    UPDATE conversations c
    SET message_count = new_message_count,
        last_activity_at = activity_at,
        last_customer_message_at = customer_message_at
    WHERE c.id = conversation
      AND (c.tenant_id = tenant) IS TRUE
      AND c.xmin = conversation_version::xid
      AND (SELECT vv.xmin FROM visitors vv
           WHERE vv.id = c.visitor_id AND (vv.tenant_id = c.tenant_id) IS TRUE)
          = visitor_version::xid
      AND (c.assignee_id IS NULL
           OR (SELECT uu.xmin FROM users uu WHERE uu.id = c.assignee_id) = assignee_version::xid)
    RETURNING c.xmin::text INTO new_version;
    RETURN new_version;
END $$;
