import { describe, expect, it } from 'vitest';
import { describeBusContract } from '../bus-contract.ts';
import { KafkaBus } from './kafka-bus.ts';
import { kafkajsFastPath } from './kafkajs-fast-path.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers)
  throw new Error('KAFKA_BROKERS is not set: run `source runtime/services/env.sh` and start Kafka');

// The contract below must run through the patched producer and consumer, not silently through stock kafkajs.
describe('kafka bus over kafkajs', () => {
  it('runs with the kafkajs fast path installed', () => {
    expect(kafkajsFastPath).toEqual({
      produce: true,
      frame: true,
      grouping: true,
      fetch: true,
      batch: true,
      reason: 'patched',
    });
  });
});

describeBusContract(
  'kafka',
  async () => new KafkaBus({ brokers: brokers.split(','), clientId: 'bus-contract-test' }),
);
