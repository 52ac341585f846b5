import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FlightEnvelope,
  type HistoryFix,
  historyRowOf,
  nullHistorySink,
  roundTrack,
  validateTrack,
} from '../runtime/contract/index.ts';
import { AircraftCore } from './aircraft.ts';
import { AirportIndex } from './airports.ts';
import { DETECTOR_DEFAULTS } from './defaults.ts';
import { GATE } from './order-gate.ts';
import { flight } from './scenario.ts';

const airports = AirportIndex.fromGeoJSON(
  readFileSync(new URL('../fixtures/airports.geojson', import.meta.url), 'utf8'),
);

describe('AircraftCore.track', () => {
  it('is exactly roundTrack of the unrounded state, for any flight', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: 0, max: 13_000, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 0, max: 359.9, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.boolean(),
        (lat, lon, altM, speedMs, trackDeg, vrateMs, dropAlt) => {
          const envs = flight('ab0001', { lat, lon, altM, speedMs, trackDeg }, [{ durationS: 30, vrateMs }]);
          const core = new AircraftCore('ab0001', DETECTOR_DEFAULTS, airports);
          for (const raw of envs) {
            const env: FlightEnvelope = dropAlt ? { ...raw, baro_alt_m: null, geo_alt_m: null } : raw;
            const code = core.update(env);
            if (code !== GATE.ACCEPTED && code !== GATE.RESET) continue;
            const f = core.filter;
            const hasVel = env.speed_ms != null || f.speedMs > 0;
            const t = core.track();
            expect(t).toEqual(
              roundTrack({
                ...t,
                lat: f.lat,
                lon: f.lon,
                alt_m: Number.isNaN(f.altM) ? null : f.altM,
                speed_ms: hasVel ? f.speedMs : null,
                track_deg: hasVel ? f.trackDeg : null,
                vrate_ms: Number.isNaN(f.vrateMs) ? null : f.vrateMs,
              }),
            );
            expect(validateTrack(t).ok).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('AircraftCore.writeHistory', () => {
  it('hands the sink the raw fix, the known callsign and the smoothed values of historyRow', () => {
    const envs = flight('ab0002', { lat: 40, lon: -74, altM: 3000, speedMs: 150, trackDeg: 45 }, [
      { durationS: 60, vrateMs: -5 },
    ]);
    const core = new AircraftCore('ab0002', DETECTOR_DEFAULTS, airports);
    const handed: unknown[] = [];
    const sink = {
      ...nullHistorySink,
      writeFix: (fix: HistoryFix, callsign: string | null, smooth: Float64Array) => {
        handed.push(historyRowOf(fix, callsign, smooth));
        return fix === envs[handed.length - 1]; // the envelope itself, not a copy
      },
    };
    for (const [i, env] of envs.entries()) {
      // No callsign in every other fix: the row carries the one the aircraft is known by.
      const e = i % 2 === 1 ? { ...env, callsign: undefined } : env;
      envs[i] = e;
      expect(core.update(e)).toBe(GATE.ACCEPTED);
      expect(core.writeHistory(e, sink)).toBe(true);
      expect(handed.at(-1)).toEqual(core.historyRow(e));
      expect(core.historyRow(e).callsign).toBe(envs[0].callsign);
    }
    expect(handed).toHaveLength(envs.length);
  });
});
