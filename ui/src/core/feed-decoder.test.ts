import { describe, expect, it } from 'vitest';
import { fullRow } from '../../../runtime/contract/compact.ts';
import type { ServerFrame } from '../../../runtime/contract/protocol.ts';
import { sampleTrack } from '../../../runtime/contract/sample.ts';
import { FeedDecoder } from './feed-decoder.ts';

describe('FeedDecoder', () => {
  it('a patch row for an aircraft it does not hold is a gap (resync), and the snapshot recovers', () => {
    const d = new FeedDecoder();
    d.handle({ type: 'hello', protocol: 1, tick_hz: 4, server_time: 0, encoding: 'compact' });
    const snap = d.handle({ type: 'snapshot', seq: 5, ts: 1000, flights: [] });
    expect(snap).toEqual({ kind: 'post', frame: { type: 'snapshot', seq: 5, ts: 1000, flights: [] } });
    expect(d.handle({ type: 'delta', seq: 6, ts: 1250, upserts: [['abc123', 2, 41]], removes: [] })).toEqual({
      kind: 'gap',
    });
    expect(d.handle({ type: 'delta', seq: 7, ts: 1500, upserts: [], removes: [] })).toEqual({
      kind: 'ignored',
    });
    const t = sampleTrack('abc123');
    const r = d.handle({ type: 'snapshot', seq: 7, ts: 2000, flights: [JSON.parse(fullRow(t, 2000))] });
    expect(r.kind === 'post' && (r.frame as ServerFrame & { type: 'snapshot' }).flights).toEqual([t]);
  });

  it('without encoding in the hello (a JSON server), frames pass through as they are', () => {
    const d = new FeedDecoder();
    d.handle({ type: 'hello', protocol: 1, tick_hz: 4, server_time: 0 });
    const t = sampleTrack('abc123');
    expect(d.handle({ type: 'snapshot', seq: 1, ts: 0, flights: [t] })).toEqual({
      kind: 'post',
      frame: { type: 'snapshot', seq: 1, ts: 0, flights: [t] },
    });
    expect(d.handle({ type: 'delta', seq: 2, ts: 0, upserts: [t], removes: [] })).toEqual({ kind: 'merged' });
    expect(d.merger.take()?.upserts).toEqual([t]);
  });
});
