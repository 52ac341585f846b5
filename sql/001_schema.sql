-- SkySentinel schema v1 (contract section 9). Applied by `skysentinel migrate`, once, in a transaction.
-- Why the indexes are where they are: docs/storage.md.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Latest state per aircraft. Small (one row per aircraft seen) and rewritten every batch, so:
-- no index on geom (a scan of a few thousand rows beats maintaining a GiST under constant
-- updates) and fillfactor 50 so updates stay HOT (only the primary key is indexed).
CREATE TABLE flights_current (
  icao24 text PRIMARY KEY,
  callsign text,
  geom geometry(Point, 4326) NOT NULL,
  alt_m real,
  speed_ms real,
  track_deg real,
  vrate_ms real,
  on_ground boolean NOT NULL,
  squawk text,
  updated_at timestamptz NOT NULL
) WITH (fillfactor = 50);

-- Every accepted update, partitioned by UTC day on ts. geom is the raw fix; smooth_* the Kalman output.
CREATE TABLE flights_history (
  icao24 text NOT NULL,
  ts timestamptz NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  callsign text,
  baro_alt_m real,
  geo_alt_m real,
  speed_ms real,
  track_deg real,
  vrate_ms real,
  on_ground boolean NOT NULL,
  squawk text,
  smooth_lat double precision NOT NULL,
  smooth_lon double precision NOT NULL,
  smooth_alt_m real,
  PRIMARY KEY (icao24, ts)
) PARTITION BY RANGE (ts);

-- BRIN on ts is cheap to maintain (rows arrive roughly in ts order), so every partition has it.
CREATE INDEX flights_history_ts_brin ON flights_history USING brin (ts);
-- The GiST on geom is NOT declared on the parent: a parent index is cloned onto every new partition,
-- and a GiST on the partition being written costs ~45% of COPY throughput. Closed days get theirs from
-- index_closed_history_partitions() (002_functions.sql).

CREATE TABLE anomalies (
  id text PRIMARY KEY, -- type:icao24:started_at (deterministic, so re-delivery upserts)
  type text NOT NULL,
  severity text NOT NULL,
  phase text NOT NULL CHECK (phase IN ('open', 'closed')),
  icao24 text NOT NULL,
  callsign text,
  started_at timestamptz NOT NULL,
  detected_at timestamptz NOT NULL,
  ended_at timestamptz,
  geom geometry(Point, 4326) NOT NULL,
  alt_m real,
  airport text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX anomalies_geom_gist ON anomalies USING gist (geom);
CREATE INDEX anomalies_started_at ON anomalies (started_at DESC);

CREATE TABLE airports (
  ident text PRIMARY KEY,
  name text,
  iata text,
  type text,
  geom geometry(Point, 4326) NOT NULL,
  elevation_m real
);
CREATE INDEX airports_geom_gist ON airports USING gist (geom);
