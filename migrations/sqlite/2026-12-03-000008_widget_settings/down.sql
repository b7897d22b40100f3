ALTER TABLE tenants DROP COLUMN widget_settings;
