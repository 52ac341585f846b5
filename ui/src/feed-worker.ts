/// <reference lib="webworker" />
/**
 * The WebSocket to /ws/flights, off the main thread: JSON parsing, seq checks, decoding of the
 * compact encoding (asked for with `?encoding=compact`; see core/feed-decoder.ts) and merging of
 * deltas happen here. The page takes one merged batch per rendered frame (it says 'ready' when it
 * wants the next), so a page that renders slower than the tick rate never queues frames without
 * bound. Messages: see FromWorker / ToWorker in worker-protocol.ts.
 */
import { jitteredBackoffMs } from '../../runtime/contract/backoff.ts';
import { FeedDecoder, type WireFrame } from './core/feed-decoder.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** Reconnect: 0.5 s doubling to 15 s, with jitter (runtime/contract/backoff.ts). */
const FEED_BACKOFF = { baseMs: 500, maxMs: 15_000 };

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);
/** Wall-clock ms (the page converts to its own performance.now origin). */
const wallNow = () => performance.timeOrigin + performance.now();

let ws: WebSocket | null = null;
let url = '';
let attempt = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let bbox: [number, number, number, number] | null = null;
let subscribed = false;
/** The page is ready for the next batch. */
let credit = true;
const decoder = new FeedDecoder();
const merger = decoder.merger;
let lastArrival = 0;
let parseMs = 0;
let merged = 0;

const send = (m: object) => {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
};

function flush(): void {
  if (!credit || !merger.pending) return;
  const frame = merger.take()!;
  credit = false;
  post({ type: 'frame', frame: { type: 'delta', ...frame }, receivedAtWallMs: lastArrival, parseMs, merged });
  parseMs = 0;
  merged = 0;
}

/** Compact rows instead of Track objects: ~4x fewer bytes; decoded back to Tracks here. */
function compactUrl(base: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}encoding=compact`;
}

function open(): void {
  timer = null;
  const sock = new WebSocket(compactUrl(url));
  ws = sock;
  sock.onopen = () => {
    attempt = 0;
    decoder.reset();
    post({ type: 'open' });
    if (subscribed) send({ type: 'subscribe', bbox });
  };
  sock.onmessage = (ev) => {
    const t0 = performance.now();
    let f: WireFrame;
    try {
      f = JSON.parse(ev.data as string) as WireFrame;
    } catch {
      post({
        type: 'frame',
        frame: { type: 'error', message: 'a frame that is not JSON was dropped' },
        receivedAtWallMs: wallNow(),
        parseMs: 0,
        merged: 0,
      });
      return;
    }
    const r = decoder.handle(f);
    const took = performance.now() - t0;
    if (r.kind === 'gap') {
      post({ type: 'resyncing' });
      send({ type: 'resync' });
      return;
    }
    if (r.kind === 'ignored') return;
    if (r.kind === 'merged') {
      lastArrival = wallNow();
      parseMs += took;
      merged++;
      flush();
      return;
    }
    // The snapshot goes at once; deltas wait until the page has applied it.
    if (r.frame.type === 'snapshot') credit = false;
    post({ type: 'frame', frame: r.frame, receivedAtWallMs: wallNow(), parseMs: took, merged: 1 });
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    decoder.reset();
    const delay = jitteredBackoffMs(attempt, Math.random(), FEED_BACKOFF);
    post({ type: 'close', attempt, retryInMs: delay });
    attempt++;
    timer = setTimeout(open, delay);
  };
  // An error is always followed by close, where the retry happens.
  sock.onerror = () => {};
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'connect': {
      const moved = url !== '' && url !== m.wsUrl;
      url = m.wsUrl;
      if (moved) {
        // Another URL (playback, or back to live): drop the socket without a reconnect.
        const old = ws;
        ws = null;
        old?.close();
        if (timer) clearTimeout(timer);
        timer = null;
        attempt = 0;
        decoder.reset();
      }
      if (!ws && !timer) open();
      return;
    }
    case 'send':
      send(m.message);
      return;
    case 'subscribe':
      bbox = m.bbox;
      subscribed = true;
      send({ type: 'subscribe', bbox });
      return;
    case 'resync':
      send({ type: 'resync' });
      return;
    case 'ready':
      credit = true;
      flush();
      return;
  }
};
