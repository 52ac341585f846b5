-- Partitions only for days inside the contract's time range [2000-01-01, 2100-01-01)
-- (runtime/contract/bounds.ts): a message with ts = 1e20 or in year 10000 once made the sink ask
-- for such a day, and a year past 9999 gets a name history_partitions() does not parse, so that
-- partition was never indexed or dropped. The sink asks only for days inside its own, narrower
-- window (retention either side of today, sinks/batch.ts historyWindow); this is the last guard.
-- Same body as 002 otherwise.
CREATE OR REPLACE FUNCTION ensure_history_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
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
  IF first_day < date '2000-01-01' OR last_day >= date '2100-01-01' THEN
    RAISE EXCEPTION 'ensure_history_partitions: % .. % is outside [2000-01-01, 2100-01-01)', first_day, last_day
      USING ERRCODE = 'datetime_field_overflow';
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
