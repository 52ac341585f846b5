-- The BRIN on flights_history.ts summarizes new block ranges as autovacuum's work items, soon
-- after each range fills (autosummarize), instead of only at the insert-triggered autovacuum
-- passes (every 20% of a partition's rows). A BRIN scan reads every unsummarized range whole, so
-- before this playback of the last minutes of the day being written read the whole unsummarized
-- tail (5 million rows besides its own 150,000 in bench:playback's hour).
-- A partitioned index's options cannot be altered, so it is made again; its partitions' indexes
-- (existing and future ones, cloned from it) get the option too. The history sink is not yet
-- writing when migrations run (the service migrates before it starts).
DROP INDEX flights_history_ts_brin;
CREATE INDEX flights_history_ts_brin ON flights_history USING brin (ts) WITH (autosummarize = on);
