-- An event's data (about a kilobyte of JSON) is kept apart from its row. On PostgreSQL an
-- event is written once and then updated once, when it is numbered, and an update writes a
-- whole new copy of the row: with the data in it that copied the kilobyte, doubling the bytes
-- the busiest table grows by. (Under a steady stream of writes the kernel writes PostgreSQL's
-- data files out in bursts every 30 s, and each burst stalls every commit for as long as it
-- takes: the fewer bytes per message, the shorter the stall.) No foreign key: the pruning that
-- deletes events deletes their data with them, and a key check per event costs a lookup.
CREATE TABLE event_data (
    event_id BIGINT PRIMARY KEY,
    data TEXT NOT NULL
);
INSERT INTO event_data (event_id, data) SELECT id, data FROM events;
ALTER TABLE events DROP COLUMN data;
