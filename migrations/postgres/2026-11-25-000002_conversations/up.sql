-- Visitors, conversations, messages and everything hanging off them, the event outbox, and
-- the counters that keep list counts and the Overview free of history scans.

CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    display_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    whatsapp_phone TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX visitors_display ON visitors (tenant_id, display_id);
CREATE INDEX visitors_phone ON visitors (tenant_id, whatsapp_phone) WHERE whatsapp_phone IS NOT NULL;

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    -- open | needs_agent | resolved
    status TEXT NOT NULL,
    -- The join lock: set only by a conditional UPDATE (... WHERE assignee_id IS NULL OR = me).
    assignee_id TEXT REFERENCES users(id),
    needs_agent_since TIMESTAMP,
    agent_requested BOOLEAN NOT NULL DEFAULT FALSE,
    booked BOOLEAN NOT NULL DEFAULT FALSE,
    rating SMALLINT,
    pending_handoff_id TEXT,
    message_count BIGINT NOT NULL DEFAULT 0,
    -- Which counter shard this conversation's changes go to (spreads hot counter rows).
    shard INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    last_activity_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by TEXT REFERENCES users(id),
    last_customer_message_at TIMESTAMP
);
-- One index per list tab (and per tab + channel), each in the list's order, so any page of any
-- tab is an index range scan. The WHERE clauses are literal so both engines match them.
CREATE INDEX conv_all ON conversations (tenant_id, last_activity_at, id);
CREATE INDEX conv_all_ch ON conversations (tenant_id, channel, last_activity_at, id);
CREATE INDEX conv_open ON conversations (tenant_id, last_activity_at, id) WHERE status <> 'resolved';
CREATE INDEX conv_open_ch ON conversations (tenant_id, channel, last_activity_at, id) WHERE status <> 'resolved';
CREATE INDEX conv_needs ON conversations (tenant_id, last_activity_at, id) WHERE status = 'needs_agent';
CREATE INDEX conv_needs_ch ON conversations (tenant_id, channel, last_activity_at, id) WHERE status = 'needs_agent';
CREATE INDEX conv_resolved ON conversations (tenant_id, last_activity_at, id) WHERE status = 'resolved';
CREATE INDEX conv_resolved_ch ON conversations (tenant_id, channel, last_activity_at, id) WHERE status = 'resolved';
CREATE INDEX conv_booked ON conversations (tenant_id, last_activity_at, id) WHERE booked = TRUE;
CREATE INDEX conv_booked_ch ON conversations (tenant_id, channel, last_activity_at, id) WHERE booked = TRUE;
CREATE INDEX conv_visitor ON conversations (tenant_id, visitor_id, started_at);
CREATE INDEX conv_assignee ON conversations (tenant_id, assignee_id) WHERE assignee_id IS NOT NULL AND status <> 'resolved';
CREATE INDEX conv_queue ON conversations (tenant_id) WHERE assignee_id IS NULL AND status <> 'resolved';
CREATE INDEX conv_resolved_by ON conversations (tenant_id, resolved_by) WHERE resolved_by IS NOT NULL AND status = 'resolved';

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    duration_ms BIGINT,
    uploaded_by_user TEXT,
    uploaded_by_visitor TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_tenant ON attachments (tenant_id, created_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender TEXT NOT NULL,
    sender_user_id TEXT,
    kind TEXT NOT NULL,
    body TEXT,
    attachment_id TEXT REFERENCES attachments(id),
    payload TEXT,
    client_message_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_thread ON messages (conversation_id, created_at, id);
-- A resend with the same client id finds the stored message instead of storing it twice.
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_message_id);

CREATE TABLE handoffs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    from_user_id TEXT REFERENCES users(id),
    to_user_id TEXT NOT NULL REFERENCES users(id),
    reason TEXT,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX handoffs_conversation ON handoffs (tenant_id, conversation_id, created_at);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
    visitor_id TEXT REFERENCES visitors(id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    name TEXT,
    phone TEXT,
    company TEXT,
    message TEXT,
    captured_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX leads_tenant ON leads (tenant_id, created_at, id);

CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
    stars SMALLINT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',
    comment TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE quick_replies (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX quick_replies_shortcut ON quick_replies (tenant_id, shortcut);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    note TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX bookings_conversation ON bookings (tenant_id, conversation_id);

-- Knowledge-base documents (filled by the knowledge-base feature; counted on the Overview).
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_ready ON documents (tenant_id) WHERE status = 'ready';

-- Counters per (tenant, channel, shard) so concurrent writers rarely touch the same row.
CREATE TABLE conversation_counts (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    shard INTEGER NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    unresolved BIGINT NOT NULL DEFAULT 0,
    needs_agent BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    booked BIGINT NOT NULL DEFAULT 0,
    agent_requests BIGINT NOT NULL DEFAULT 0,
    messages_ai BIGINT NOT NULL DEFAULT 0,
    messages_agent BIGINT NOT NULL DEFAULT 0,
    bookings BIGINT NOT NULL DEFAULT 0,
    rating_sum BIGINT NOT NULL DEFAULT 0,
    rating_count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, channel, shard)
);

-- Daily-chart counters in 15-minute UTC buckets: any time zone's days are whole buckets.
CREATE TABLE stats_buckets (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    bucket_start TIMESTAMP NOT NULL,
    shard INTEGER NOT NULL,
    sessions BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    messages BIGINT NOT NULL DEFAULT 0,
    bookings BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket_start, shard)
);

-- The event outbox. Writers insert events with seq NULL in their own transaction; the
-- sequencer then numbers them per tenant (1, 2, 3... with no gap) in commit order.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seq BIGINT,
    kind TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    conversation_id TEXT,
    visitor_id TEXT,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX events_seq ON events (tenant_id, seq);
CREATE INDEX events_pending ON events (tenant_id, id) WHERE seq IS NULL;
CREATE INDEX events_age ON events (at);

-- Visitors connected right now, per server process; rows of a process whose heartbeat
-- stopped are ignored and swept.
CREATE TABLE server_processes (
    id TEXT PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL
);

CREATE TABLE visitor_presence (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    process_id TEXT NOT NULL,
    connected_at TIMESTAMP NOT NULL,
    page_url TEXT,
    page_title TEXT,
    referrer TEXT
);
CREATE INDEX visitor_presence_tenant ON visitor_presence (tenant_id, visitor_id);
CREATE INDEX visitor_presence_process ON visitor_presence (process_id);
