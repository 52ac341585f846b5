import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../contract/validate.ts';
import { hostileMessages } from './hostile-messages.ts';

describe('hostileMessages', () => {
  const messages = hostileMessages(10_000);
  it('are all rejected by the contract validator, with a reason, without throwing', () => {
    const reasons = new Map<string, number>();
    for (const m of messages) {
      const r = parseEnvelope(m);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        const key = r.reason.split(':')[0]!;
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
    expect(reasons.get('not_json')).toBeGreaterThan(1000);
    expect(reasons.get('unsupported_version')).toBeGreaterThan(100);
    expect(reasons.size).toBeGreaterThan(8);
  });
  it('never pollute Object.prototype', () => {
    for (const m of messages) parseEnvelope(m);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('are deterministic for a seed', () => {
    expect(hostileMessages(200, 3)).toEqual(hostileMessages(200, 3));
  });
});
