import type { Bus, BusConsumer, BusValue } from '../bus/bus.ts';
import { valueText } from '../bus/bus.ts';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import type { TrackBoardPort } from '../contract/ports.ts';
import type { Track } from '../contract/track.ts';
import { validateAnomaly, validateTrack } from '../contract/validate.ts';

/** JSON of a message value; undefined when it is not JSON (the validator then names the problem). */
function parseJson(value: BusValue | null): unknown {
  try {
    return JSON.parse(valueText(value));
  } catch {
    return undefined;
  }
}

export interface TracksFeedOptions {
  bus: Bus;
  topics: { tracks: string; anomalies: string };
  /** Unique per edge process: every edge reads both topics whole. */
  groupId: string;
  board: TrackBoardPort;
  publishAnomaly(event: AnomalyEvent): void;
  staleAfterS: number;
  now?: () => number;
  /** A message that is not a valid Track/AnomalyEvent: skipped and reported here. */
  onInvalid?: (topic: string, reason: string) => void;
}

/**
 * Feeds an edge from the processors' output alone (scale-out): flights.tracks from the beginning
 * (compacted: the latest Track per aircraft, tombstone = removed) into the board, and new
 * flights.anomalies as anomaly frames.
 */
export async function startTracksFeed(o: TracksFeedOptions): Promise<{ stop(): Promise<void> }> {
  const now = o.now ?? Date.now;
  const staleMs = o.staleAfterS * 1000;
  const tracks: BusConsumer = await o.bus.consume({
    groupId: `${o.groupId}-tracks`,
    topics: [o.topics.tracks],
    fromBeginning: true,
    async eachBatch(batch) {
      const oldest = now() - staleMs;
      for (const m of batch.messages) {
        if (m.key === null) continue;
        if (m.value === null) {
          o.board.remove(m.key);
          continue;
        }
        const r = validateTrack(parseJson(m.value));
        if (!r.ok) o.onInvalid?.(batch.topic, r.reason);
        else if (r.value.ts >= oldest) o.board.upsert(r.value as Track);
      }
    },
  });
  const anomalies: BusConsumer = await o.bus.consume({
    groupId: `${o.groupId}-anomalies`,
    topics: [o.topics.anomalies],
    fromBeginning: false,
    async eachBatch(batch) {
      for (const m of batch.messages) {
        const r = validateAnomaly(parseJson(m.value));
        if (r.ok) o.publishAnomaly(r.value);
        else o.onInvalid?.(batch.topic, r.reason);
      }
    },
  });
  return {
    async stop() {
      await Promise.all([tracks.stop(), anomalies.stop()]);
    },
  };
}
