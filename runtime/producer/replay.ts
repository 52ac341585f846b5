import { setTimeout as sleepMs } from 'node:timers/promises';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { parseEnvelope } from '../contract/validate.ts';
import { readLines } from './jsonl.ts';
import { lineTooLongReason } from './line-splitter.ts';
import type { EnvelopePublisher } from './publisher.ts';
import { ReplayClock } from './replay-clock.ts';

export interface ReplayOptions {
  file: string;
  /** 10 = ten times faster than recorded. */
  speed: number;
  /** Start again at the end of the file (until aborted). */
  loop: boolean;
  publisher: EnvelopePublisher;
  signal?: AbortSignal;
  /** An input line that is not a valid FlightEnvelope: counted and skipped (contract section 3). */
  onInvalid?: (lineNo: number, reason: string) => void;
  /** Most envelopes per publish call. */
  maxBatch?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ReplayResult {
  published: number;
  invalid: number;
  passes: number;
}

/** Sleeps shorter than this are skipped (publishing up to 4 ms early): timers are not that precise. */
const MIN_SLEEP_MS = 5;

/**
 * Replays a recorded JSONL file onto the bus with its original spacing scaled by `speed`, times
 * shifted so it looks live. Invalid lines are counted and skipped with their line number: they
 * never reach the bus (the pipeline's DLQ is for what arrives over the bus from elsewhere).
 */
export async function replayFile(options: ReplayOptions): Promise<ReplayResult> {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) => sleepMs(ms, undefined, { signal }).catch(() => {}));
  const maxBatch = options.maxBatch ?? 5_000;
  const clock = new ReplayClock(now(), options.speed);
  const result: ReplayResult = { published: 0, invalid: 0, passes: 0 };
  let batch: FlightEnvelope[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    await options.publisher.publish(b);
    result.published += b.length;
  };

  while (!options.signal?.aborted) {
    let valid = 0;
    for await (const { lineNo, text, overLongBytes } of readLines(options.file)) {
      if (options.signal?.aborted) break;
      if (text !== null && text.trim() === '') continue;
      const parsed =
        text === null
          ? { ok: false as const, reason: lineTooLongReason(overLongBytes ?? 0) }
          : parseEnvelope(text);
      if (!parsed.ok) {
        if (result.passes === 0) {
          result.invalid++;
          options.onInvalid?.(lineNo, parsed.reason);
        }
        continue;
      }
      valid++;
      const wait = clock.dueMs(parsed.value.ts) - now();
      if (wait >= MIN_SLEEP_MS) {
        await flush();
        await sleep(wait, options.signal);
        if (options.signal?.aborted) break;
      }
      batch.push(clock.shift(parsed.value));
      if (batch.length >= maxBatch) await flush();
    }
    await flush();
    result.passes++;
    if (!options.loop || valid === 0) break;
    clock.nextPass();
  }
  return result;
}
