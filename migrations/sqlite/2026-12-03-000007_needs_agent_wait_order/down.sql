DROP INDEX conv_needs;
DROP INDEX conv_needs_ch;
CREATE INDEX conv_needs ON conversations (tenant_id, last_activity_at, id) WHERE status = 'needs_agent';
CREATE INDEX conv_needs_ch ON conversations (tenant_id, channel, last_activity_at, id) WHERE status = 'needs_agent';
