-- An event's data is kept apart from its row, as on PostgreSQL (where numbering an event
-- rewrites its row, and the data made that a kilobyte each time): one schema for both engines.
CREATE TABLE event_data (
    event_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL
);
INSERT INTO event_data (event_id, data) SELECT id, data FROM events;
ALTER TABLE events DROP COLUMN data;
