/**
 * The soak's default producer: the product's synthetic fleet and envelope publisher, but each
 * period's updates are published in `slices` parts spread over the period (as a real feed
 * arrives), each stamped with its publish time (ts = last_contact = now; the publisher sets
 * ingest_ts), so Track.ts is the publish time and WS receipt - Track.ts is end to end.
 * `skysentinel produce --mode synthetic` publishes the whole fleet in one send per period, which
 * Kafka refuses beyond ~13,000 aircraft (a partition's batch over message.max.bytes, 1 MB).
 * Config from the environment (KAFKA_BROKERS, TOPIC_STATE, TOPIC_UPDATES, OPENSKY_BBOX).
 * argv: aircraft, rateHz, slices. Stops on SIGTERM.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { createBus } from '../bus/index.ts';
import { loadConfig } from '../config/config.ts';
import { createEnvelopePublisher } from '../producer/publisher.ts';
import { SyntheticFleet } from '../producer/synthetic.ts';

const aircraft = Number(process.argv[2] ?? 1000);
const rateHz = Number(process.argv[3] ?? 1);
const slices = Number(process.argv[4] ?? 10);
const config = loadConfig(process.env);
const bus = createBus(config, { kafka: { logLevel: 'error' } });
const publisher = createEnvelopePublisher({
  bus,
  topics: { state: config.TOPIC_STATE, updates: config.TOPIC_UPDATES },
  log: (message) => console.log(message),
});
const fleet = new SyntheticFleet({ aircraft, bbox: config.OPENSKY_BBOX, seed: 1 });
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

const periodMs = 1000 / rateHz;
const sliceLen = Math.ceil(aircraft / slices);
const start = Date.now();
let lastStepMs = start - periodMs;
for (let tick = 0; !stop.signal.aborted; tick++) {
  const stepMs = Date.now();
  const envelopes = fleet.step((stepMs - lastStepMs) / 1000, stepMs);
  lastStepMs = stepMs;
  for (let k = 0; k < slices && !stop.signal.aborted; k++) {
    const wait = start + tick * periodMs + (k * periodMs) / slices - Date.now();
    if (wait > 0) await sleepMs(wait, undefined, { signal: stop.signal }).catch(() => {});
    const nowMs = Date.now();
    const slice = envelopes.slice(k * sliceLen, (k + 1) * sliceLen);
    for (const e of slice) {
      e.ts = nowMs;
      e.last_contact = nowMs;
    }
    await publisher.publish(slice);
  }
}
publisher.logTotal();
await bus.close();
process.exit(0);
