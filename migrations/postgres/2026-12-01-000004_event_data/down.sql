ALTER TABLE events ADD COLUMN data TEXT NOT NULL DEFAULT 'null';
UPDATE events SET data = event_data.data FROM event_data WHERE event_data.event_id = events.id;
ALTER TABLE events ALTER COLUMN data DROP DEFAULT;
DROP TABLE event_data;
