-- The Needs agent tab lists the longest-waiting visitor first: its index follows the wait.
DROP INDEX conv_needs;
DROP INDEX conv_needs_ch;
CREATE INDEX conv_needs ON conversations (tenant_id, needs_agent_since, id) WHERE status = 'needs_agent';
CREATE INDEX conv_needs_ch ON conversations (tenant_id, channel, needs_agent_since, id) WHERE status = 'needs_agent';
