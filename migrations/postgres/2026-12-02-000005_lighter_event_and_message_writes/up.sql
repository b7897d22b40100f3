-- Fewer checks and index entries on the two tables every visitor message writes to.
--
-- Foreign keys to `tenants` on `messages` and `events`: each insert checked its tenant with a
-- `SELECT ... FOR KEY SHARE` on the tenant's one row. Every concurrent writer of a busy tenant
-- share-locks that row while the event numbering updates it, so PostgreSQL kept creating
-- multixacts (lock-holder lists) for it: at 800 messages/s about a seventh of the database's
-- CPU went to these checks (in-run A/B: -14% of its CPU per message, ~5 fewer WAL records).
-- All they ensured was that the tenant exists: a message still checks its conversation, which
-- checks its tenant, and an event is written in the transaction of the change it reports (that
-- a row's tenant is its parent's was never a key's job). Deleting a tenant still reaches
-- messages through its conversations; its events would be left to the age-based pruning.
ALTER TABLE messages DROP CONSTRAINT messages_tenant_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_tenant_id_fkey;

-- Events are inserted, then updated once when numbered, and a non-HOT update adds an entry to
-- every B-tree index. The age index only serves the hourly pruning, whose rows are in insertion
-- order: a BRIN index (one summary per 128 pages) serves it as well at nearly no cost per write.
-- VACUUM summarizes new pages (autovacuum's, or the server's own when it is off: see
-- `db/maintenance.rs`); pages not yet summarized are read in full, so pruning stays correct.
DROP INDEX events_age;
CREATE INDEX events_age ON events USING brin (at);
