import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import { mergeAnomalies, mergeAnomaly } from './anomaly-feed.ts';
import { cockpitPose } from './cockpit.ts';
import { angularDistanceDeg } from './geo.ts';
import { altitudeProfilePath, maxTrailAltM } from './profile.ts';
import { testAnomaly } from './test-anomaly.ts';

const ev = (id: string, detected_at: number, phase: 'open' | 'closed' = 'open'): AnomalyEvent =>
  testAnomaly({ id: `go_around:abc123:${id}`, phase, detected_at });

describe('anomaly feed', () => {
  it('keeps newest first whatever the arrival order', () => {
    const feed = mergeAnomalies([], [ev('1', 10), ev('3', 30), ev('2', 20)]);
    expect(feed.map((e) => e.detected_at)).toEqual([30, 20, 10]);
  });

  it('the same id replaces the earlier entry (open then closed)', () => {
    const feed = mergeAnomaly(mergeAnomalies([], [ev('1', 10), ev('2', 20)]), ev('1', 10, 'closed'));
    expect(feed).toHaveLength(2);
    expect(feed[1]!.phase).toBe('closed');
  });

  it('closed beats open whatever the order (GET /anomalies lists the closed record first)', () => {
    const feed = mergeAnomalies([], [ev('1', 10, 'closed'), ev('1', 10, 'open')]);
    expect(feed.map((e) => e.phase)).toEqual(['closed']);
    expect(mergeAnomaly(feed, ev('1', 10, 'open'))[0]!.phase).toBe('closed');
  });

  it('drops the oldest over the limit', () => {
    const feed = mergeAnomalies([], [ev('1', 10), ev('2', 20), ev('3', 30)], 2);
    expect(feed.map((e) => e.detected_at)).toEqual([30, 20]);
  });
});

describe('altitude profile', () => {
  it('scales time to x and altitude to y (top = highest), skipping null altitudes', () => {
    const d = altitudeProfilePath(
      [
        [0, 0, 0, 0],
        [5, 0, 0, null],
        [10, 0, 0, 1000],
      ],
      100,
      50,
    );
    expect(d).toBe('M0.0 50.0 L100.0 0.0');
    expect(maxTrailAltM([[0, 0, 0, null]])).toBeNull();
    expect(altitudeProfilePath([[0, 0, 0, 10]], 100, 50)).toBe('');
  });
});

describe('cockpit pose', () => {
  it('puts the camera behind (opposite the track) and above the aircraft', () => {
    const p = cockpitPose(40, -74, 3000, 90, 20_000, 5_000);
    expect(p.camera.lon).toBeLessThan(-74); // heading east, camera to the west
    expect(p.camera.lat).toBeCloseTo(40, 6);
    expect(p.camera.altM).toBe(8000);
    expect(p.target.lon).toBeGreaterThan(-74);
    expect(angularDistanceDeg({ lat: 40, lon: -74 }, p.camera) * 111_195).toBeCloseTo(20_000, -2);
  });
});
