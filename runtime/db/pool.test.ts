import { describe, expect, it } from 'vitest';
import { isRetriableError } from './pool.ts';

describe('isRetriableError', () => {
  it.each([
    [{ code: '08006' }],
    [{ code: '57P01' }],
    [{ code: 'ECONNREFUSED' }],
    [new Error('Connection terminated unexpectedly')],
    // pg's message when the server takes longer than connectionTimeoutMillis to accept (seen in the soak run)
    [new Error('timeout expired')],
  ])('retries %o', (err) => {
    expect(isRetriableError(err)).toBe(true);
  });
  it.each([[{ code: '23505' }], [{ code: '42P01' }], [new Error('syntax error at or near "x"')], [null]])(
    'does not retry %o',
    (err) => {
      expect(isRetriableError(err)).toBe(false);
    },
  );
});
