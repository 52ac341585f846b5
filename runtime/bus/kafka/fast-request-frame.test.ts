import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeProduceRequest } from './fast-produce-request.ts';
import { frameRequest } from './fast-request-frame.ts';
import { original } from './kafkajs-fast-path.ts';
import { encoderOver } from './kafkajs-internals.ts';

describe('request framing', () => {
  it('gives the bytes of kafkajs protocol/request.js', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
        fc.uint8Array({ maxLength: 3000 }),
        async (apiKey, apiVersion, correlationId, clientId, payload) => {
          const request = { apiKey, apiVersion, encode: async () => encoderOver(Buffer.from(payload)) };
          const args = { correlationId, clientId, request };
          const fast = await frameRequest(args);
          const stock = await original.frameRequest(args);
          expect(fast.buffer).toEqual(stock.buffer);
          expect(fast.size()).toBe(stock.size());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('frames a fast produce request in place with the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ unit: 'binary', maxLength: 150 })),
        fc.array(fc.string({ maxLength: 50 }), { maxLength: 20 }),
        async (clientId, values) => {
          const args = {
            acks: -1,
            timeout: 30_000,
            topicData: [
              {
                topic: 't',
                partitions: [{ partition: 1, messages: values.map((value) => ({ key: 'k', value })) }],
              },
            ],
          };
          const payload = encodeProduceRequest(args, original.record);
          const copy = Buffer.from(payload.buffer);
          const request = { apiKey: 0, apiVersion: 7, encode: async () => payload };
          const stock = original.frameRequest({
            correlationId: 9,
            clientId,
            request: { ...request, encode: async () => encoderOver(copy) },
          });
          const fast = await frameRequest({ correlationId: 9, clientId, request });
          expect(fast.buffer).toEqual((await stock).buffer);
        },
      ),
    );
  });
});
