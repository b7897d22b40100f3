-- How far the team has read each conversation: the newest visitor message a member had on
-- screen, so the widget can tick the visitor's messages "seen by the team" (also after a reload).
CREATE TABLE team_reads (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    message_created_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id)
);
