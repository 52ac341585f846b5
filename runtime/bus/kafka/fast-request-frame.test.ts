import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
});
