import type pg from 'pg';
import {
  type AnomalyEvent,
  type AnomalySink,
  type DlqRecord,
  dlqRecord,
  type HistoryFix,
  type HistoryRow,
  type HistorySink,
} from '../runtime/contract/index.ts';
import { createClient, isRetriableError } from '../runtime/db/pool.ts';
import type { Metrics } from '../runtime/metrics/metrics.ts';
import {
  backoffMs,
  closedBeforeMs,
  DAY_MS,
  historyWindow,
  latestPerAircraft,
  outsideWindow,
  utcDays,
} from './batch.ts';
import { FixRow } from './fix-row.ts';
import {
  CREATE_STAGING,
  copyHistory,
  copyViaStaging,
  insertHistory,
  isMissingPartition,
  isUniqueViolation,
  upsertAnomalies,
  upsertFlightsCurrent,
} from './history-writers.ts';
import { historyRowJson, isDataError, type Refused, writeIsolating } from './isolate.ts';

/**
 * The PostGIS history sink. Rows are buffered and written in batches (batchRows or flushMs,
 * whichever first); each batch is one transaction: flights_history (COPY; after a duplicate key,
 * COPY to staging + ON CONFLICT DO NOTHING), flights_current, anomalies. durable() resolves only
 * after the commit, so the bus commits offsets only for what is stored. A lost connection is
 * retried with backoff, with the same batch, so nothing acknowledged is lost and nothing doubles.
 * Data never stops it: a row outside the history window, or one PostgreSQL refuses (SQLSTATE class
 * 22/23), is isolated and dead-lettered with the reason while the rest of its batch is written.
 * write() returns false once maxBufferedRows are buffered (the consumer pauses). Design:
 * docs/storage.md.
 */
export interface PostgisSinkOptions {
  url: string;
  batchRows?: number;
  flushMs?: number;
  /** write() returns false at this many buffered rows (queued plus in flight). */
  maxBufferedRows?: number;
  /**
   * Batches written at once, each on its own connection (default 2): one commits while the next
   * is copied. Acknowledgement stays in write order whatever order they commit in.
   */
  connections?: number;
  metrics?: Metrics;
  /**
   * flights_current is written with a batch at most this often (default flushMs): under a
   * firehose, the latest row per aircraft is coalesced over batches instead of upserted per batch.
   * Rows are acknowledged only once their flights_current state is committed too.
   */
  currentEveryMs?: number;
  /**
   * 'copy' (the default): COPY straight into flights_history, the staging path only after a
   * duplicate. 'staging' (always COPY to staging + ON CONFLICT) and 'insert' (multi-row INSERT ...
   * ON CONFLICT) exist for the benchmark's comparison.
   */
  historyWriter?: 'copy' | 'staging' | 'insert';
  retryMinMs?: number;
  retryMaxMs?: number;
  connectTimeoutMs?: number;
  /** How often to index closed partitions and drop expired ones; 0 turns it off. */
  maintenanceEveryMs?: number;
  retentionDays?: number;
  onError?: (err: unknown, attempt: number) => void;
  /**
   * Where refused rows go (flights.dlq): records `{topic: <table>, partition: null, offset: null,
   * reason, raw: <the row as JSON>}`. A batch is acknowledged only once this resolved (retried with
   * backoff until it does). Without it refused rows are only counted and reported to onRefused.
   */
  deadLetter?: (records: DlqRecord[]) => Promise<void>;
  /** The refused rows of one batch (to log them). */
  onRefused?: (records: DlqRecord[]) => void;
  now?: () => number;
  random?: () => number;
}

interface Waiter {
  rows: number;
  anomalies: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Batch {
  /** Rows taken from the queue (written, or refused and dead-lettered). */
  taken: number;
  /** The rows to write: those inside the history window. */
  rows: HistoryRow[];
  /** Rows and events refused (outside the window, or by PostgreSQL), to dead-letter. */
  refused: DlqRecord[];
  anomalies: AnomalyEvent[];
  /** The newest row per aircraft over this and earlier batches not yet written to flights_current. */
  current: HistoryRow[] | null;
  committed: boolean;
}

/** One connection and whether a batch is using it. */
interface Lane {
  client: pg.Client | null;
  busy: boolean;
}

const HISTORY_WRITERS = { copy: copyHistory, staging: copyViaStaging, insert: insertHistory };

export class SinkClosedError extends Error {
  override name = 'SinkClosedError';
}

export class PostgisSink implements HistorySink {
  readonly batchRows: number;
  readonly flushMs: number;
  readonly maxBufferedRows: number;
  readonly currentEveryMs: number;
  private readonly opts: PostgisSinkOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly lanes: Lane[];

  private queue: HistoryRow[] = [];
  private queueHead = 0; // rows before it are taken (avoids O(n) shifts)
  private anomalyQueue: AnomalyEvent[] = [];
  private inFlight: Batch[] = []; // taken, in write order, until acknowledged
  private inFlightRows = 0;
  private rowsWritten = 0;
  private rowsCommitted = 0; // acknowledged: history and flights_current committed
  private rowsAwaitingCurrent = 0; // in flights_history, their flights_current state not yet
  private anomaliesWritten = 0;
  private anomaliesCommitted = 0;
  private pendingCurrent = new Map<string, HistoryRow>();
  private batchesTaken = 0;
  private lastCurrentBatch = 0; // batchesTaken when a batch last carried flights_current
  private lastCurrentMs = Number.NEGATIVE_INFINITY;
  private durableWaiters: Waiter[] = [];
  private drainWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private due = false;
  private forced = false;
  private closing = false;
  private fatal: unknown = null;
  private readonly knownDays = new Map<number, string>(); // UTC day -> its partition's name
  private readonly lastWriteMsByDay = new Map<number, number>();
  private maintenanceTimer: NodeJS.Timeout | null = null;
  private maintenanceRunning: Promise<void> | null = null;
  /** Batches that hit a duplicate key and took the staging path (a re-delivery). */
  duplicateBatches = 0;
  /** Attempts that failed and were retried. */
  retries = 0;
  /** Rows and events refused (outside the history window or by PostgreSQL) and dead-lettered. */
  refusedRows = 0;

  constructor(opts: PostgisSinkOptions) {
    this.opts = opts;
    this.batchRows = opts.batchRows ?? 5_000;
    this.flushMs = opts.flushMs ?? 500;
    this.maxBufferedRows = opts.maxBufferedRows ?? this.batchRows * 4;
    this.currentEveryMs = opts.currentEveryMs ?? this.flushMs;
    const connections = opts.connections ?? 2;
    if (this.batchRows < 1 || this.flushMs < 1 || this.maxBufferedRows < 1 || connections < 1) {
      throw new RangeError(
        'PostgisSink: batchRows, flushMs, maxBufferedRows and connections must be at least 1',
      );
    }
    this.lanes = Array.from({ length: connections }, () => ({ client: null, busy: false }));
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    const every = opts.maintenanceEveryMs ?? 3_600_000; // one hour
    if (every > 0) {
      this.maintenanceTimer = setInterval(() => void this.maintain().catch(() => {}), every);
      this.maintenanceTimer.unref();
    }
  }

  /** Rows queued or in flight (not yet acknowledged). */
  get bufferedRows(): number {
    return this.queue.length - this.queueHead + this.inFlightRows;
  }

  /** Server process ids of the sink's open connections: for benchmarks. */
  get backendPids(): number[] {
    return this.lanes
      .map((l) => (l.client as (pg.Client & { processID?: number | null }) | null)?.processID ?? null)
      .filter((pid): pid is number => pid !== null);
  }

  get committedRows(): number {
    return this.rowsCommitted;
  }

  write(row: HistoryRow): boolean {
    if (this.closing) throw new SinkClosedError('PostgisSink: write after close');
    // After a fatal error nothing will be stored: refuse loudly rather than buffer without end.
    if (this.fatal) throw this.fatal;
    this.queue.push(row);
    this.rowsWritten++;
    this.scheduled();
    return this.bufferedRows < this.maxBufferedRows;
  }

  /** write(historyRowOf(fix, callsign, smooth)), the row kept as a FixRow over the fix. */
  writeFix(fix: HistoryFix, callsign: string | null, smooth: Float64Array): boolean {
    return this.write(new FixRow(fix, callsign, smooth));
  }

  /** Queues an AnomalyEvent for the next batch (upserted by id). */
  writeAnomaly(event: AnomalyEvent): void {
    if (this.closing) throw new SinkClosedError('PostgisSink: writeAnomaly after close');
    if (this.fatal) throw this.fatal;
    this.anomalyQueue.push(event);
    this.anomaliesWritten++;
    this.scheduled();
  }

  /** This sink as an AnomalySink (emit = writeAnomaly; durable covers rows and events). */
  get anomalySink(): AnomalySink {
    return { emit: (e) => this.writeAnomaly(e), durable: () => this.durable() };
  }

  durable(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.rowsCommitted >= this.rowsWritten && this.anomaliesCommitted >= this.anomaliesWritten) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.durableWaiters.push({ rows: this.rowsWritten, anomalies: this.anomaliesWritten, resolve, reject });
    });
  }

  drained(): Promise<void> {
    if (this.bufferedRows < this.maxBufferedRows || this.fatal) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Writes everything buffered now, without waiting for flushMs; resolves once committed. */
  flush(): Promise<void> {
    this.forced = true;
    const done = this.durable();
    this.dispatch();
    return done;
  }

  /** Flushes, then closes the connections. Rejects, like durable(), if rows could not be stored. */
  async close(): Promise<void> {
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    try {
      await this.flush();
    } finally {
      this.closing = true;
      if (this.timer) clearTimeout(this.timer);
      await this.maintenanceRunning?.catch(() => {});
      await Promise.all(this.lanes.map((l) => this.dropClient(l)));
    }
  }

  /**
   * Gives closed day partitions their GiST index and drops partitions past retention, on its own
   * connection (indexing a day can take a while; batches go on meanwhile).
   */
  async maintain(): Promise<{ indexed: string[]; dropped: string[] }> {
    const client = createClient(this.opts.url, { applicationName: 'skysentinel-sink-maintenance' });
    const run = (async () => {
      await client.connect();
      const closedBefore = closedBeforeMs(this.now(), 3_600_000, this.lastWriteMsByDay);
      const indexed = await client.query<{ name: string }>(
        'SELECT index_closed_history_partitions(to_timestamp($1::float8 / 1000)) AS name',
        [closedBefore],
      );
      const dropped = await client.query<{ name: string }>(
        'SELECT drop_history_partitions(make_interval(days => $1)) AS name',
        [this.opts.retentionDays ?? 30],
      );
      if (dropped.rows.length > 0) this.knownDays.clear();
      return { indexed: indexed.rows.map((r) => r.name), dropped: dropped.rows.map((r) => r.name) };
    })();
    this.maintenanceRunning = run.then(
      () => {},
      () => {},
    );
    try {
      return await run;
    } finally {
      await client.end().catch(() => {});
    }
  }

  private scheduled(): void {
    if (this.queue.length - this.queueHead >= this.batchRows) {
      this.dispatch();
    } else if (this.timer === null && !this.due) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.due = true;
        this.dispatch();
      }, this.flushMs);
    }
  }

  private shouldFlush(): boolean {
    const queued = this.queue.length - this.queueHead;
    if (queued >= this.batchRows) return true;
    const uncovered = this.batchesTaken > this.lastCurrentBatch; // flights_current still owed
    const anything = queued > 0 || this.anomalyQueue.length > 0 || uncovered;
    return anything && (this.due || this.forced);
  }

  /** Starts batches on free connections while there is something to write. */
  private dispatch(): void {
    while (!this.fatal && this.shouldFlush()) {
      const lane = this.lanes.find((l) => !l.busy);
      if (!lane) return; // a finishing batch calls dispatch() again
      const batch = this.takeBatch();
      lane.busy = true;
      this.writeBatchWithRetry(lane, batch)
        .then(() => {
          lane.busy = false;
          this.dispatch(); // the next batch may use the lane while this one's refused rows are published
          return this.deadLetterWithRetry(batch);
        })
        .then(
          () => {
            batch.committed = true;
            this.acknowledge();
            this.dispatch();
          },
          (e) => {
            lane.busy = false;
            this.fail(e);
          },
        );
    }
    // Rows left below batchRows and not yet due wait for the timer.
    if (this.queue.length > this.queueHead && !this.due && this.timer === null) this.scheduled();
    // A flush() with nothing (more) to take is over: later rows wait for batchRows or flushMs again.
    const idle = this.queue.length === this.queueHead && this.anomalyQueue.length === 0;
    if (idle && this.batchesTaken === this.lastCurrentBatch) this.forced = false;
  }

  private takeBatch(): Batch {
    const end = Math.min(this.queue.length, this.queueHead + this.batchRows);
    const taken = end - this.queueHead;
    const window = historyWindow(this.now(), this.opts.retentionDays ?? 30);
    const rows: HistoryRow[] = [];
    const refused: DlqRecord[] = [];
    for (let i = this.queueHead; i < end; i++) {
      const r = this.queue[i]!;
      const outside = outsideWindow(r.ts, window);
      if (outside === null) rows.push(r);
      else refused.push(refusedRecord('flights_history', outside, historyRowJson(r)));
    }
    this.queueHead = end;
    if (this.queueHead > 65_536 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    const anomalies = this.anomalyQueue;
    this.anomalyQueue = [];
    const emptied = this.queue.length === this.queueHead;
    if (emptied) {
      this.due = false;
      this.forced = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    for (const r of latestPerAircraft(rows)) {
      const prev = this.pendingCurrent.get(r.icao24);
      if (prev === undefined || r.ts >= prev.ts) this.pendingCurrent.set(r.icao24, r);
    }
    this.batchesTaken++;
    // flights_current goes with this batch when it is due, or when nothing else is queued (an
    // idle moment: acknowledge now rather than wait for the next batch).
    let current: HistoryRow[] | null = null;
    const nowMs = this.now();
    if (emptied || nowMs - this.lastCurrentMs >= this.currentEveryMs) {
      current = [...this.pendingCurrent.values()];
      this.pendingCurrent.clear();
      this.lastCurrentMs = nowMs;
      this.lastCurrentBatch = this.batchesTaken;
    }
    const batch: Batch = { taken, rows, refused, anomalies, current, committed: false };
    this.inFlight.push(batch);
    this.inFlightRows += taken;
    return batch;
  }

  /**
   * Acknowledges committed batches in write order: a batch's rows once it and every earlier
   * batch are committed and a committed batch at or after it carried their flights_current state.
   */
  private acknowledge(): void {
    while (this.inFlight.length > 0 && this.inFlight[0].committed) {
      const b = this.inFlight.shift()!;
      this.inFlightRows -= b.taken;
      this.anomaliesCommitted += b.anomalies.length;
      this.rowsAwaitingCurrent += b.taken;
      if (b.current) {
        this.rowsCommitted += this.rowsAwaitingCurrent;
        this.rowsAwaitingCurrent = 0;
      }
    }
    const waiting: Waiter[] = [];
    for (const w of this.durableWaiters) {
      if (this.rowsCommitted >= w.rows && this.anomaliesCommitted >= w.anomalies) w.resolve();
      else waiting.push(w);
    }
    this.durableWaiters = waiting;
    if (this.bufferedRows < this.maxBufferedRows) {
      const drains = this.drainWaiters;
      this.drainWaiters = [];
      for (const d of drains) d();
    }
  }

  private fail(e: unknown): void {
    if (this.fatal) return;
    this.fatal = e;
    for (const w of this.durableWaiters) w.reject(e);
    this.durableWaiters = [];
    for (const d of this.drainWaiters) d();
    this.drainWaiters = [];
  }

  private async writeBatchWithRetry(lane: Lane, batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const startedMs = performance.now();
      try {
        const client = await this.connection(lane);
        const table = await this.ensurePartitions(client, batch.rows);
        await this.writeBatch(client, table, batch);
        const m = this.opts.metrics;
        m?.sinkBatchRows.observe(batch.rows.length);
        m?.sinkFlushSeconds.observe((performance.now() - startedMs) / 1000);
        const nowMs = this.now();
        for (const day of utcDays(batch.rows)) this.lastWriteMsByDay.set(day, nowMs);
        return;
      } catch (e) {
        this.opts.metrics?.sinkErrors.inc();
        this.opts.onError?.(e, attempt);
        if (isMissingPartition(e)) {
          // Someone dropped a partition this sink thought existed: forget and re-create.
          this.knownDays.clear();
        } else if (!isRetriableError(e)) {
          throw e;
        }
        this.retries++;
        await this.dropClient(lane);
        if (this.closing || this.fatal) throw this.fatal ?? e;
        const waitMs = backoffMs(attempt, this.random(), this.opts.retryMinMs, this.opts.retryMaxMs);
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  private async writeBatch(client: pg.Client, table: string, batch: Batch): Promise<void> {
    const writer = HISTORY_WRITERS[this.opts.historyWriter ?? 'copy'];
    let history: number;
    let refusedRows: Refused<HistoryRow>[] = [];
    try {
      await client.query('BEGIN');
      history = await writer(client, batch.rows, table);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      const duplicate = isUniqueViolation(e);
      if (!duplicate && !isDataError(e)) throw e;
      // Some of these rows are stored already (a batch re-delivered after a crash, or a commit
      // whose acknowledgement was lost), or PostgreSQL refused one of them: merge through staging,
      // skipping what is there, piece by piece where a piece is refused (sinks/isolate.ts).
      if (duplicate) this.duplicateBatches++;
      await client.query('BEGIN');
      const merged = await writeIsolating(client, batch.rows, (part) => copyViaStaging(client, part));
      history = merged.written;
      refusedRows = merged.refused;
    }
    try {
      // A refused row's flights_current state goes with it.
      const gone = new Set(refusedRows.map((r) => r.item));
      const currentRows = batch.current?.filter((r) => !gone.has(r)) ?? [];
      const current = await writeIsolating(client, currentRows, (part) => upsertFlightsCurrent(client, part));
      const anomalies = await writeIsolating(client, batch.anomalies, (part) =>
        upsertAnomalies(client, part),
      );
      await client.query('COMMIT');
      const m = this.opts.metrics;
      m?.sinkRows.inc({ table: 'flights_history' }, history);
      m?.sinkRows.inc({ table: 'flights_current' }, current.written);
      m?.sinkRows.inc({ table: 'anomalies' }, anomalies.written);
      for (const r of refusedRows)
        batch.refused.push(refusedRecord('flights_history', r.reason, historyRowJson(r.item)));
      for (const r of current.refused)
        batch.refused.push(refusedRecord('flights_current', r.reason, historyRowJson(r.item)));
      for (const r of anomalies.refused)
        batch.refused.push(refusedRecord('anomalies', r.reason, JSON.stringify(r.item)));
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  /**
   * Dead-letters the batch's refused rows (counted by table) before it is acknowledged; a failed
   * publish is retried with backoff, so a refused row is never acknowledged without its record.
   */
  private async deadLetterWithRetry(batch: Batch): Promise<void> {
    if (batch.refused.length === 0) return;
    const records = batch.refused;
    for (const r of records) this.opts.metrics?.sinkRefused.inc({ table: r.topic });
    this.opts.onRefused?.(records);
    this.refusedRows += records.length;
    const deadLetter = this.opts.deadLetter;
    if (!deadLetter) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await deadLetter(records);
        return;
      } catch (e) {
        this.opts.onError?.(e, attempt);
        if (this.closing) throw e;
        const waitMs = backoffMs(attempt, this.random(), this.opts.retryMinMs, this.opts.retryMaxMs);
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /**
   * Makes sure each day of the batch has its partition; returns the one partition to COPY into
   * when the batch lies within one day (the usual case: no per-row routing), else the parent.
   */
  private async ensurePartitions(client: pg.Client, rows: HistoryRow[]): Promise<string> {
    const days = utcDays(rows);
    for (const day of days) {
      if (!this.knownDays.has(day)) await this.ensureDay(client, day);
    }
    return days.length === 1 ? (this.knownDays.get(days[0]) ?? 'flights_history') : 'flights_history';
  }

  private async ensureDay(client: pg.Client, day: number): Promise<void> {
    const res = await client.query<{ name: string }>(
      `SELECT ensure_history_partitions(d, d), history_partition_name((d AT TIME ZONE 'UTC')::date) AS name
       FROM to_timestamp($1::float8 / 1000) AS d`,
      [day * DAY_MS],
    );
    const name = res.rows[0].name;
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected history partition name '${name}'`);
    this.knownDays.set(day, name);
  }

  private async connection(lane: Lane): Promise<pg.Client> {
    if (lane.client) return lane.client;
    const client = createClient(this.opts.url, {
      applicationName: 'skysentinel-sink',
      connectTimeoutMs: this.opts.connectTimeoutMs,
    });
    try {
      await client.connect();
      await client.query(CREATE_STAGING);
      // Today's and tomorrow's partitions ahead, so the day boundary never waits for DDL.
      const today = Math.floor(this.now() / DAY_MS);
      await this.ensureDay(client, today);
      await this.ensureDay(client, today + 1);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    lane.client = client;
    return client;
  }

  private async dropClient(lane: Lane): Promise<void> {
    const c = lane.client;
    lane.client = null;
    // end() on a connection that already died may never settle: do not wait for it long.
    if (c) await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}

const refusedRecord = (table: string, reason: string, raw: string): DlqRecord =>
  dlqRecord(table, null, null, `${table}: ${reason}`, raw);
