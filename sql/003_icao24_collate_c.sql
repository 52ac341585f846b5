-- icao24 is lower-case hex: byte order is its natural order, so compare it with the "C" collation.
-- The cluster's default (e.g. C.UTF-8 or en_US.UTF-8) goes through strcoll for every comparison,
-- which made primary key maintenance the largest cost of a history COPY (docs/storage.md).
-- Migrations are append-only, hence this one instead of an edit of 001.
ALTER TABLE flights_history ALTER COLUMN icao24 TYPE text COLLATE "C";
ALTER TABLE flights_current ALTER COLUMN icao24 TYPE text COLLATE "C";
ALTER TABLE anomalies ALTER COLUMN icao24 TYPE text COLLATE "C";
ALTER TABLE anomalies ALTER COLUMN id TYPE text COLLATE "C";
