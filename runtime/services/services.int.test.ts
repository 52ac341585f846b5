// Proves the services started by runtime/services/*.sh are real: a Kafka broker that kafkajs
// can produce to and consume from, and a PostgreSQL server with PostGIS.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const databaseUrl = process.env.DATABASE_URL ?? '';

describe('real services', () => {
  it('KAFKA_BROKERS and DATABASE_URL are set (runtime/services/env.sh)', () => {
    expect(brokers.length).toBeGreaterThan(0);
    expect(databaseUrl).toMatch(/^postgres(ql)?:\/\//);
  });

  it('Kafka: create a topic, produce one message, consume it back', async () => {
    const kafka = new Kafka({ clientId: 'services-int-test', brokers, logLevel: logLevel.WARN });
    const topic = `services-test.${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: `services-test-${randomUUID()}` });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
        true,
      );
      await producer.connect();
      const value = JSON.stringify({ hello: 'kafka', at: Date.now() });
      await producer.send({ topic, acks: -1, messages: [{ key: 'abc123', value }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 60 s')), 60_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              clearTimeout(timer);
              resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
            },
          })
          .catch(reject);
      });
      expect(received).toEqual({ key: 'abc123', value });
    } finally {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  });

  it('PostgreSQL: PostGIS is installed and answers', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const version = await client.query<{ v: string }>('SELECT postgis_full_version() AS v');
      expect(version.rows[0].v).toMatch(/POSTGIS="3\./);
      const point = await client.query<{ wkt: string }>('SELECT ST_AsText(ST_MakePoint(1, 2)) AS wkt');
      expect(point.rows[0].wkt).toBe('POINT(1 2)');
    } finally {
      await client.end();
    }
  });
});
