-- How the workspace's chat widget looks and behaves (crates/types widget_settings), as JSON;
-- '{}' is every default.
ALTER TABLE tenants ADD COLUMN widget_settings TEXT NOT NULL DEFAULT '{}';
