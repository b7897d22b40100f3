ALTER TABLE events ADD COLUMN data TEXT NOT NULL DEFAULT 'null';
UPDATE events SET data = (SELECT data FROM event_data WHERE event_data.event_id = events.id);
DROP TABLE event_data;
