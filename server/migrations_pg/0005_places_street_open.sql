-- As SQLite's 0015: the open places of each 街道 counted from the index alone.
CREATE INDEX places_street_open ON places (street_id, closed_at);
DROP INDEX places_street;
