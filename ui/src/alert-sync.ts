import type { AnomalyBacklog } from '../../runtime/contract/protocol.ts';
import type { FeedEvent } from './core/anomaly-feed.ts';
import { AnomalySync } from './core/anomaly-sync.ts';

/** What the reconciliation needs from the agent and the feed slice (injected; tests use fakes). */
export interface AlertSyncPorts {
  backlog(after: number, limit: number): Promise<AnomalyBacklog>;
  /** The newest events from GET /anomalies (PostGIS when the edge has a database). */
  recent(limit: number): Promise<FeedEvent[]>;
  merge(events: FeedEvent[]): void;
  /** Close open events that are not in `openIds` and that `settled` says the answer covers. */
  resolveOrphans(openIds: ReadonlySet<string>, settled: (e: FeedEvent) => boolean): void;
  warn(message: string): void;
}

/** Backlog pages are this long (the edge's limit maximum). */
const PAGE = 1000;
/** Older history shown at the first connect (beyond the edge's log when it has a database). */
const RECENT = 200;
/** A failed fetch is retried after this long (the next hello retries too). */
const RETRY_MS = 2000;

/**
 * Reconciles the alert feed with the edge after every (re)connect and whenever an anomaly frame
 * shows a hole: fetches every event after the last cursor the page holds (paging), merges them
 * (closed beats open), and closes orphans: open events the edge no longer holds open.
 */
export function createAlertSync(ports: AlertSyncPorts) {
  const sync = new AnomalySync();
  let running = false;
  let again = false;
  let first = true;
  let retry: ReturnType<typeof setTimeout> | null = null;
  /** Resolves when no fetch is running or queued (tests, and the debug hook). */
  let idle: Promise<void> = Promise.resolve();

  async function pull(): Promise<void> {
    if (first) {
      first = false;
      ports.merge(await ports.recent(RECENT).catch(() => []));
    }
    for (let pages = 0; pages < 1000; pages++) {
      const instance = sync.instance;
      const b = await ports.backlog(sync.cursor, PAGE);
      const verdict = sync.backlog(b);
      if (verdict === 'stale') return;
      const tagged = b.anomalies.map((e): FeedEvent => ({ ...e, instance: b.instance }));
      ports.merge(tagged);
      if (verdict === 'more') continue;
      // The edge's open set covers every event of an older instance (or none), and of this one
      // up to the answer's cursor.
      const open = new Set(b.open.map((e) => e.id));
      ports.merge(b.open.map((e) => ({ ...e, instance: b.instance })));
      const upTo = b.cursor;
      ports.resolveOrphans(
        open,
        (e) => e.instance !== instance || e.cursor === undefined || e.cursor <= upTo,
      );
      return;
    }
  }

  function request(): void {
    if (running) {
      again = true;
      return;
    }
    running = true;
    idle = (async () => {
      do {
        again = false;
        try {
          await pull();
        } catch (e) {
          ports.warn(`alert backlog not loaded: ${String(e)}`);
          if (retry === null) {
            retry = setTimeout(() => {
              retry = null;
              request();
            }, RETRY_MS);
          }
        }
      } while (again);
      running = false;
    })();
  }

  return {
    sync,
    /** A hello frame. */
    hello(instance: string | undefined): void {
      const h = sync.hello(instance);
      if (h === null) {
        // An edge without cursors: the newest events, as before.
        if (first) {
          first = false;
          ports.recent(RECENT).then(ports.merge, (e: unknown) => ports.warn(String(e)));
        }
        return;
      }
      request();
    },
    /** An anomaly frame: merged at once; a hole in the cursors fetches what is missing. */
    event(e: FeedEvent, cursor: number | undefined): void {
      ports.merge([{ ...e, cursor, instance: sync.instance ?? undefined }]);
      if (sync.frame(cursor)) request();
    },
    idle: () => idle,
  };
}
