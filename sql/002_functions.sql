-- Partition maintenance, the query functions the edge calls, and the history sink's merge/upserts.

-- Partition name for a UTC day: flights_history_pYYYYMMDD.
CREATE FUNCTION history_partition_name(day date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'flights_history_p' || to_char(day, 'YYYYMMDD') $$;

-- Creates the daily partitions covering [from_ts, to_ts] that do not exist yet; returns how many it made.
-- Serialised by an advisory lock so two sinks racing for the same new day do not collide.
CREATE FUNCTION ensure_history_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := (from_ts AT TIME ZONE 'UTC')::date;
  last_day date := (to_ts AT TIME ZONE 'UTC')::date;
  day date;
  created integer := 0;
BEGIN
  IF last_day < first_day THEN
    RAISE EXCEPTION 'ensure_history_partitions: to_ts % is before from_ts %', to_ts, from_ts;
  END IF;
  IF last_day - first_day > 366 THEN
    RAISE EXCEPTION 'ensure_history_partitions: % days requested, at most 367 at once', last_day - first_day + 1;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('skysentinel.flights_history.partitions'));
  day := first_day;
  WHILE day <= last_day LOOP
    IF to_regclass(history_partition_name(day)) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF flights_history FOR VALUES FROM (%L) TO (%L)',
        history_partition_name(day),
        to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
        to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
      created := created + 1;
    END IF;
    day := day + 1;
  END LOOP;
  RETURN created;
END $$;

-- The UTC day of each history partition (parsed from its name, which ensure_history_partitions sets).
CREATE FUNCTION history_partitions() RETURNS TABLE (name text, day date)
LANGUAGE sql STABLE AS $$
  SELECT c.relname::text, to_date(substring(c.relname from '_p(\d{8})$'), 'YYYYMMDD')
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'flights_history'::regclass AND c.relname ~ '_p\d{8}$'
  ORDER BY 2
$$;

-- Drops partitions whose whole day ended more than `retention` ago; returns the dropped names.
CREATE FUNCTION drop_history_partitions(retention interval) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  p record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('skysentinel.flights_history.partitions'));
  FOR p IN SELECT * FROM history_partitions() LOOP
    IF ((p.day + 1)::timestamp AT TIME ZONE 'UTC') <= now() - retention THEN
      EXECUTE format('DROP TABLE %I', p.name);
      RETURN NEXT p.name;
    END IF;
  END LOOP;
END $$;

-- Gives each partition whose day ended at or before `closed_before` its GiST index on geom (once).
-- The partition being written stays without it (see 001_schema.sql); returns the indexed names.
CREATE FUNCTION index_closed_history_partitions(closed_before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT * FROM history_partitions() LOOP
    IF ((p.day + 1)::timestamp AT TIME ZONE 'UTC') <= closed_before
       AND to_regclass(p.name || '_geom_gist') IS NULL THEN
      EXECUTE format('CREATE INDEX %I ON %I USING gist (geom)', p.name || '_geom_gist', p.name);
      RETURN NEXT p.name;
    END IF;
  END LOOP;
END $$;

-- An aircraft's raw fixes in [from_ts, to_ts] as a LineString in time order (the primary key
-- (icao24, ts) serves it); NULL with fewer than two fixes.
CREATE FUNCTION flight_track(p_icao24 text, from_ts timestamptz, to_ts timestamptz)
RETURNS geometry(LineString, 4326)
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN count(*) >= 2 THEN ST_MakeLine(geom ORDER BY ts) END
  FROM flights_history
  WHERE icao24 = p_icao24 AND ts >= from_ts AND ts <= to_ts
$$;

-- Anomalies that started at or after `since` within radius_m metres (on the spheroid) of (lon, lat),
-- newest first. The geography expression index on anomalies serves ST_DWithin.
CREATE INDEX anomalies_geog_gist ON anomalies USING gist ((geom::geography));
CREATE FUNCTION anomalies_near(lon double precision, lat double precision, radius_m double precision,
                               since timestamptz)
RETURNS SETOF anomalies
LANGUAGE sql STABLE AS $$
  SELECT * FROM anomalies
  WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, radius_m)
    AND started_at >= since
  ORDER BY started_at DESC
$$;

-- Current flights inside the box w,s,e,n (degrees); w > e means the box crosses the antimeridian.
CREATE FUNCTION flights_in_bbox(w double precision, s double precision, e double precision,
                                n double precision)
RETURNS SETOF flights_current
LANGUAGE sql STABLE AS $$
  SELECT * FROM flights_current
  WHERE CASE WHEN w <= e THEN geom && ST_MakeEnvelope(w, s, e, n, 4326)
             ELSE geom && ST_MakeEnvelope(w, s, 180, n, 4326) OR geom && ST_MakeEnvelope(-180, s, e, n, 4326)
        END
  ORDER BY icao24
$$;

-- The history sink's slow path: after a batch hit a duplicate key (a re-delivery after a crash), it
-- is COPYed into the session's temp table flights_history_staging and merged here, skipping rows
-- already stored. Returns the rows inserted.
CREATE FUNCTION merge_history_staging() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  inserted bigint;
BEGIN
  INSERT INTO flights_history SELECT * FROM pg_temp.flights_history_staging ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  TRUNCATE pg_temp.flights_history_staging;
  RETURN inserted;
END $$;

CREATE FUNCTION severity_rank(severity text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT array_position(ARRAY['info', 'warning', 'critical'], severity) $$;

-- Upserts AnomalyEvents (a JSON array, applied in order). An id's events merge: 'closed' is final
-- (a re-delivered 'open' never reopens), the first ended_at and detected_at stay, severity only
-- rises, details merge (later keys win), and where it started stays where it started.
CREATE FUNCTION upsert_anomalies(events jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  ev jsonb;
  n integer := 0;
BEGIN
  FOR ev IN SELECT e.value FROM jsonb_array_elements(events) WITH ORDINALITY AS e ORDER BY e.ordinality LOOP
    INSERT INTO anomalies AS a (id, type, severity, phase, icao24, callsign, started_at, detected_at,
                                ended_at, geom, alt_m, airport, details)
    VALUES (
      ev->>'id', ev->>'type', ev->>'severity', ev->>'phase', ev->>'icao24', ev->>'callsign',
      to_timestamp((ev->>'started_at')::double precision / 1000),
      to_timestamp((ev->>'detected_at')::double precision / 1000),
      to_timestamp((ev->>'ended_at')::double precision / 1000),
      ST_SetSRID(ST_MakePoint((ev->>'lon')::double precision, (ev->>'lat')::double precision), 4326),
      (ev->>'alt_m')::real, ev->>'airport', COALESCE(ev->'details', '{}'::jsonb))
    ON CONFLICT (id) DO UPDATE SET
      phase = CASE WHEN a.phase = 'closed' OR excluded.phase = 'closed' THEN 'closed' ELSE 'open' END,
      ended_at = COALESCE(a.ended_at, excluded.ended_at),
      detected_at = LEAST(a.detected_at, excluded.detected_at),
      severity = CASE WHEN severity_rank(excluded.severity) > severity_rank(a.severity)
                      THEN excluded.severity ELSE a.severity END,
      callsign = COALESCE(a.callsign, excluded.callsign),
      airport = COALESCE(a.airport, excluded.airport),
      details = a.details || excluded.details;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
