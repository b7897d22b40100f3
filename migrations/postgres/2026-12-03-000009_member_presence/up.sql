-- Members with the dashboard open right now: one row per event socket, owned by a server
-- process (server_processes); rows of a process whose heartbeat stopped are ignored and swept.
-- The widget's "agents online" is an online member with a row on a live process.
CREATE TABLE member_presence (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    process_id TEXT NOT NULL,
    connected_at TIMESTAMP NOT NULL
);
CREATE INDEX member_presence_tenant ON member_presence (tenant_id, user_id);
CREATE INDEX member_presence_process ON member_presence (process_id);
