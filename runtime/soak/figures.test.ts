import { describe, expect, it } from 'vitest';
import { rssDrift, sumMetric } from './figures.ts';

const TEXT = `# HELP skysentinel_updates_total Updates by result
# TYPE skysentinel_updates_total counter
skysentinel_updates_total{result="accepted"} 1200
skysentinel_updates_total{result="invalid"} 3
skysentinel_updates_total_created{result="accepted"} 99
skysentinel_bus_lag{topic="soak.updates",partition="0"} 10
skysentinel_bus_lag{topic="soak.updates",partition="1"} 32
skysentinel_ws_clients 100
`;

describe('sumMetric', () => {
  it('sums the samples of one metric whose labels match, ignoring longer names and comments', () => {
    expect(sumMetric(TEXT, 'skysentinel_updates_total', { result: 'accepted' })).toBe(1200);
    expect(sumMetric(TEXT, 'skysentinel_updates_total')).toBe(1203);
    expect(sumMetric(TEXT, 'skysentinel_bus_lag')).toBe(42);
    expect(sumMetric(TEXT, 'skysentinel_bus_lag', { partition: '1' })).toBe(32);
    expect(sumMetric(TEXT, 'skysentinel_ws_clients')).toBe(100);
    expect(sumMetric(TEXT, 'skysentinel_missing')).toBe(0);
  });
});

describe('rssDrift', () => {
  it('compares the last third with the middle third', () => {
    const mb = (x: number) => x * 1e6;
    const d = rssDrift([10, 50, 100, 100, 100, 100, 110, 110, 110].map(mb));
    expect(d?.middleMb).toBeCloseTo(100);
    expect(d?.lastMb).toBeCloseTo(110);
    expect(d?.growthPct).toBeCloseTo(10);
    expect(rssDrift([1, 2])).toBeNull();
  });
});
