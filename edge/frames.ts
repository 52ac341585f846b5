import { type AnomalyEvent, WS_PROTOCOL_VERSION } from '../runtime/contract/index.ts';

/**
 * Server frames (contract section 7) built by concatenating JSON that was serialized once:
 * each Track's JSON is made once per change (see TrackBoard.json) and each frame once per
 * subscription group, then the same string goes to every socket of the group.
 */
/**
 * `encoding` is named only when the client asked for compact rows. `instance` (additive) names
 * this run of the edge: anomaly cursors are only comparable within one instance.
 */
export function helloFrame(
  tickHz: number,
  serverTimeMs: number,
  encoding: 'json' | 'compact' = 'json',
  instance?: string,
): string {
  const enc = encoding === 'json' ? '' : `,"encoding":"${encoding}"`;
  const inst = instance === undefined ? '' : `,"instance":${JSON.stringify(instance)}`;
  return `{"type":"hello","protocol":${WS_PROTOCOL_VERSION},"tick_hz":${tickHz},"server_time":${serverTimeMs}${enc}${inst}}`;
}

/** Track JSON objects, or compact rows (compact.ts): the envelope is the same. */
export function snapshotFrame(seq: number, tsMs: number, trackJsons: readonly string[]): string {
  return `{"type":"snapshot","seq":${seq},"ts":${tsMs},"flights":[${trackJsons.join(',')}]}`;
}

export function deltaFrame(
  seq: number,
  tsMs: number,
  upsertJsons: readonly string[],
  removes: readonly string[],
): string {
  // icao24 values are validated hex, so they need no escaping.
  const rm = removes.length === 0 ? '' : `"${removes.join('","')}"`;
  return `{"type":"delta","seq":${seq},"ts":${tsMs},"upserts":[${upsertJsons.join(',')}],"removes":[${rm}]}`;
}

/** `cursor` (additive): the event's place in the edge's log (GET /anomalies?after=). */
export function anomalyFrame(event: AnomalyEvent, cursor?: number): string {
  const c = cursor === undefined ? '' : `,"cursor":${cursor}`;
  return `{"type":"anomaly","event":${JSON.stringify(event)}${c}}`;
}

export function errorFrame(message: string): string {
  return JSON.stringify({ type: 'error', message });
}
