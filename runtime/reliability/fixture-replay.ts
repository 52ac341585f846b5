import type { Bus } from '../bus/bus.ts';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { createEnvelopePublisher, type EnvelopePublisher } from '../producer/publisher.ts';
import { type ReplayResult, replayFile } from '../producer/replay.ts';
import { FIXTURE_FILE } from './fixture.ts';

/**
 * A fault injected at a point of the replay: once `atPublished` envelopes are out, or just before
 * the first envelope recorded at or after `atRecordedTsMs`. `blocking` holds the replay until
 * `run` resolves (e.g. a processor restart between two halves); otherwise it runs beside it.
 */
export interface ReplayFault {
  atPublished?: number;
  atRecordedTsMs?: number;
  blocking?: boolean;
  run(): Promise<void> | void;
}

export interface FixtureReplay {
  /** Settles when the whole file is published and every fault's `run` has settled. */
  readonly done: Promise<ReplayResult>;
  readonly published: () => number;
  /** published ts - recorded ts (the replay's constant shift); known after the first publish. */
  readonly shiftMs: () => number;
}

/**
 * Replays the NYC fixture with the product's replay (replayFile + createEnvelopePublisher) at
 * `speed`, firing the faults at their points. `firstRecordedTsMs` is the fixture's first valid ts.
 */
export function startFixtureReplay(o: {
  bus: Bus;
  topics: { state: string; updates: string };
  speed: number;
  firstRecordedTsMs: number;
  faults?: ReplayFault[];
}): FixtureReplay {
  const inner = createEnvelopePublisher({ bus: o.bus, topics: o.topics });
  const pending = [...(o.faults ?? [])];
  const running: Promise<void>[] = [];
  let shiftMs: number | null = null;

  const due = (f: ReplayFault, published: number, env: FlightEnvelope) =>
    (f.atPublished !== undefined && published >= f.atPublished) ||
    (f.atRecordedTsMs !== undefined && env.ts - (shiftMs as number) >= f.atRecordedTsMs);

  const publisher: EnvelopePublisher = {
    async publish(envelopes) {
      if (envelopes.length === 0) return;
      shiftMs ??= envelopes[0]!.ts - o.firstRecordedTsMs;
      let from = 0;
      for (let i = 0; i < envelopes.length; i++) {
        const fire = pending.filter((f) => due(f, inner.published + (i - from), envelopes[i]!));
        if (fire.length === 0) continue;
        await inner.publish(envelopes.slice(from, i));
        from = i;
        for (const f of fire) {
          pending.splice(pending.indexOf(f), 1);
          const p = Promise.resolve().then(() => f.run());
          running.push(p);
          if (f.blocking) await p;
        }
      }
      await inner.publish(envelopes.slice(from));
    },
    get published() {
      return inner.published;
    },
    logTotal: () => {},
  };

  const done = (async () => {
    const result = await replayFile({ file: FIXTURE_FILE, speed: o.speed, loop: false, publisher });
    // A fault due after the last envelope still runs (e.g. "at the end").
    for (const f of pending.splice(0)) running.push(Promise.resolve().then(() => f.run()));
    await Promise.all(running);
    return result;
  })();
  done.catch(() => {});
  return {
    done,
    published: () => inner.published,
    shiftMs: () => {
      if (shiftMs === null) throw new Error('nothing published yet');
      return shiftMs;
    },
  };
}
