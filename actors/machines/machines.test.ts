import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent, FlightEnvelope } from '../../runtime/contract/index.ts';
import { validateAnomaly } from '../../runtime/contract/index.ts';
import { AircraftCore } from '../aircraft.ts';
import { AirportIndex } from '../airports.ts';
import { DETECTOR_DEFAULTS, type DetectorOptions, FPM_MS } from '../defaults.ts';
import { flight, offset, T0_MS } from '../scenario.ts';
import type { Leg } from '../synthetic-track.ts';
import { silenceDueMs, silenceFellDue } from './signal-lost.ts';

const airports = AirportIndex.fromGeoJSON(
  readFileSync(new URL('../../fixtures/airports.geojson', import.meta.url), 'utf8'),
);
const JFK = { lat: 40.639447, lon: -73.779317, elevationM: 4 };
const DEN = { lat: 39.861698, lon: -104.672997, elevationM: 1655.4 };

function runAll(
  envs: FlightEnvelope[],
  ticks: number[] = [],
  opts: DetectorOptions = DETECTOR_DEFAULTS,
): AnomalyEvent[] {
  const core = new AircraftCore(envs[0].icao24, opts, airports);
  const out: AnomalyEvent[] = [];
  const all = [...envs.map((e) => ({ ts: e.ts, e })), ...ticks.map((t) => ({ ts: t, e: null }))].sort(
    (a, b) => a.ts - b.ts,
  );
  for (const { ts, e } of all) {
    if (e) core.update(e);
    else core.tick(ts);
    out.push(...core.events.splice(0));
  }
  for (const ev of out) expect(validateAnomaly(ev).ok).toBe(true);
  return out;
}

const cruise = (altM: number) => ({ lat: 41.5, lon: -71.5, altM, speedMs: 220, trackDeg: 240 });

describe('rapid_descent', () => {
  it('opens for a 6,500 ft/min emergency descent from FL360, escalates to critical, closes after 60 s of calm', () => {
    const rate = 6_500 * FPM_MS;
    const ev = runAll(
      flight('a00001', cruise(11_000), [
        { durationS: 120 },
        { durationS: 180, vrateMs: -rate },
        { durationS: 180 },
      ]),
    );
    expect(ev.map((e) => `${e.type}:${e.phase}:${e.severity}`)).toEqual([
      'rapid_descent:open:warning',
      'rapid_descent:open:critical',
      'rapid_descent:closed:critical',
    ]);
    expect(ev[1].details.escalated_from).toBe('warning');
    expect(new Set(ev.map((e) => e.id)).size).toBe(1);
    expect(ev[0].started_at).toBeGreaterThanOrEqual(T0_MS + 115_000);
    expect(ev[2].ended_at! - ev[2].started_at).toBeGreaterThan(170_000);
    expect(ev[2].details.max_rate_fpm as number).toBeGreaterThan(6_000);
  });

  it('is a warning at 4,500 ft/min', () => {
    const ev = runAll(
      flight('a00002', cruise(11_000), [
        { durationS: 120 },
        { durationS: 240, vrateMs: -4_500 * FPM_MS },
        { durationS: 120 },
      ]),
    );
    expect(ev.filter((e) => e.phase === 'open').map((e) => `${e.type}:${e.severity}`)).toEqual([
      'rapid_descent:warning',
    ]);
  });

  for (const fpm of [2_500, 3_000]) {
    it(`stays silent on an ordinary ${fpm} ft/min descent`, () => {
      expect(
        runAll(
          flight('a00003', cruise(11_000), [{ durationS: 60 }, { durationS: 600, vrateMs: -fpm * FPM_MS }]),
        ),
      ).toEqual([]);
    });
  }

  it('stays silent on a fast descent that starts below 3,000 m over the nearest airport', () => {
    const start = { ...offset(JFK.lat, JFK.lon, 90, 40_000), altM: 2_800, speedMs: 150, trackDeg: 270 };
    expect(
      runAll(
        flight('a00004', start, [{ durationS: 60 }, { durationS: 60, vrateMs: -25 }, { durationS: 60 }]),
      ),
    ).toEqual([]);
  });
});

/** An approach from `fromM` out on the extended centreline, down to `lowHeightM`, then a climb (or not). */
function approach(
  icao24: string,
  ap: { lat: number; lon: number; elevationM: number },
  lowHeightM: number,
  climbM: number,
  extra: { touchdown?: boolean } = {},
): FlightEnvelope[] {
  const fromM = 15_000;
  const speedMs = 75;
  const startH = 900;
  const descentS = (fromM - 2_000) / speedMs; // reach the low point 2 km out
  const vrate = -(startH - lowHeightM) / descentS;
  const start = {
    ...offset(ap.lat, ap.lon, 90, fromM),
    altM: ap.elevationM + startH,
    speedMs,
    trackDeg: 270,
  };
  const legs: Leg[] = [{ durationS: descentS, vrateMs: vrate }];
  if (extra.touchdown) legs.push({ durationS: 10, vrateMs: 0 });
  // then level: a go-around is confirmed once the climb is sustained (goAroundHoldS)
  legs.push({ durationS: climbM / 8, vrateMs: 8 }, { durationS: 90 });
  const envs = flight(icao24, start, legs);
  if (extra.touchdown) {
    const t = T0_MS + descentS * 1000;
    for (const e of envs)
      if (e.ts >= t && e.ts < t + 10_000)
        Object.assign(e, { on_ground: true, baro_alt_m: null, vrate_ms: 0 });
  }
  return envs;
}

describe('go_around', () => {
  it('fires once at JFK for a missed approach from 100 m, with airport, lowest height and climb', () => {
    const ev = runAll(approach('a00010', JFK, 100, 300));
    expect(ev).toHaveLength(1);
    const [e] = ev;
    expect(e).toMatchObject({ type: 'go_around', phase: 'closed', airport: 'KJFK', icao24: 'a00010' });
    expect(e.ended_at).not.toBeNull();
    // the lowest height held over three reports: at this sharp V (100 m, then 8 m/s up) one report above it
    expect(e.details.lowest_height_m as number).toBeGreaterThan(80);
    expect(e.details.lowest_height_m as number).toBeLessThan(150);
    expect(e.details.climb_m as number).toBeGreaterThanOrEqual(150);
  });

  it('fires at KDEN (5,431 ft): heights are over the airport, not over sea level', () => {
    const ev = runAll(approach('a00011', DEN, 120, 300));
    expect(ev.map((e) => `${e.type}:${e.airport}`)).toEqual(['go_around:KDEN']);
    expect(ev[0].details.airport_elevation_m).toBeCloseTo(1655.4, 0);
    expect(ev[0].details.lowest_height_m as number).toBeLessThan(200);
  });

  it('stays silent on a landing', () => {
    const envs = approach('a00012', JFK, 0, 0, { touchdown: true }).filter(
      (e) => e.on_ground || e.ts < T0_MS + 173_000,
    );
    const landed = envs.map((e, i) =>
      i >= envs.findIndex((x) => x.on_ground) ? { ...e, on_ground: true, baro_alt_m: null } : e,
    );
    expect(runAll(landed)).toEqual([]);
  });

  it('stays silent on a touch-and-go', () => {
    expect(runAll(approach('a00013', JFK, 0, 400, { touchdown: true }))).toEqual([]);
  });

  it('stays silent when the low point is above 750 m over the airport (a high pass)', () => {
    expect(runAll(approach('a00014', JFK, 800, 300))).toEqual([]);
  });

  it('stays silent on a climb of less than 150 m after the low point', () => {
    expect(runAll(approach('a00015', JFK, 300, 120))).toEqual([]);
  });

  /** From 900 m, 15 km east of JFK, down to `lowHeightM` 2 km out (as `approach`), then `after`. */
  const fromFinal = (icao24: string, lowHeightM: number, after: Leg[]) =>
    flight(
      icao24,
      { ...offset(JFK.lat, JFK.lon, 90, 15_000), altM: JFK.elevationM + 900, speedMs: 75, trackDeg: 270 },
      [{ durationS: 13_000 / 75, vrateMs: -(900 - lowHeightM) / (13_000 / 75) }, ...after],
    );

  it('a climb-out in steps (a level turn back over the field at 400 m, then on up) is one go-around', () => {
    // level at 400 m after coming from 900 m: without a descent of its own this is no new approach
    const envs = fromFinal('a00016', 100, [
      { durationS: 300 / 8, vrateMs: 8 },
      { durationS: 60, turnDegS: 3 },
      { durationS: 40, vrateMs: 8 },
      { durationS: 90 },
    ]);
    expect(runAll(envs).map((e) => e.type)).toEqual(['go_around']);
  });

  it('stays silent on a pop-up of 240 m off the low point that comes straight back down', () => {
    const envs = fromFinal('a00017', 60, [
      { durationS: 30, vrateMs: 8 },
      { durationS: 10 },
      { durationS: 40, vrateMs: -4 },
    ]);
    expect(runAll(envs)).toEqual([]);
    // what silences it: confirmed at the first 150 m of climb, it would be one
    const eager = { ...DETECTOR_DEFAULTS, goAroundHoldS: 0, goAroundClearClimbM: 150 };
    expect(runAll(envs, [], eager).map((e) => e.type)).toEqual(['go_around']);
  });
});

describe('emergency_squawk', () => {
  const base = () => flight('a00020', cruise(9_000), [{ durationS: 100 }]);
  it('opens (critical) on two consecutive 7700 updates and closes after two without', () => {
    const envs = base();
    for (const i of [5, 6, 7]) envs[i].squawk = '7700';
    const ev = runAll(envs);
    expect(ev.map((e) => `${e.phase}:${e.severity}`)).toEqual(['open:critical', 'closed:critical']);
    expect(ev[0].started_at).toBe(envs[5].ts);
    expect(ev[0].details.squawk).toBe('7700');
    expect(ev[1].ended_at).toBe(envs[8].ts);
  });

  it('stays silent on a single-update 7700', () => {
    const envs = base();
    envs[5].squawk = '7700';
    expect(runAll(envs)).toEqual([]);
  });
});

describe('signal_lost', () => {
  it('opens after 120 s of silence while the feed advances, closes when updates resume', () => {
    const envs = flight('a00030', cruise(9_000), [{ durationS: 60 }]);
    const last = envs[envs.length - 1].ts;
    const resumed = flight('a00030', { ...cruise(9_000), lat: 41.3 }, [{ durationS: 20 }]).map((e) => ({
      ...e,
      ts: e.ts + 400_000,
    }));
    const ev = runAll([...envs, ...resumed], [last + 60_000, last + 119_000, last + 121_000, last + 200_000]);
    expect(ev.map((e) => `${e.phase}:${e.severity}`)).toEqual(['open:info', 'closed:info']);
    expect(ev[0]).toMatchObject({ started_at: last, detected_at: last + 121_000, ended_at: null });
    expect(ev[1].ended_at).toBe(resumed[0].ts);
  });

  it('stays silent for an aircraft on the ground', () => {
    const envs = flight('a00031', { ...cruise(0), speedMs: 0 }, [{ durationS: 60 }]).map((e) => ({
      ...e,
      on_ground: true,
    }));
    expect(runAll(envs, [envs[envs.length - 1].ts + 300_000])).toEqual([]);
  });
});

describe('flights, plausible altitudes and fresh positions (issue 15)', () => {
  it('rapid_descent stays silent on one bogus altitude sample (FL470 for one report at FL350)', () => {
    const envs = flight('a00040', cruise(10_668), [{ durationS: 300 }]);
    envs[20].baro_alt_m = 14_326;
    expect(runAll(envs)).toEqual([]);
  });

  it('rapid_descent stays silent on an altitude field flipping between two values thousands of feet apart', () => {
    const envs = flight('a00041', cruise(9_000), [{ durationS: 400 }]);
    envs.forEach((e, i) => {
      if (i % 2 === 1 && i > 10) e.baro_alt_m = 7_500;
    });
    expect(runAll(envs)).toEqual([]);
  });

  it('rapid_descent stays silent on a parked aircraft whose altitude jumps around, and on a frozen position', () => {
    const parked = flight('a00042', { ...cruise(0), speedMs: 0 }, [{ durationS: 300 }]).map((e, i) => ({
      ...e,
      on_ground: true,
      speed_ms: 0,
      baro_alt_m: i % 7 === 3 ? 14_000 : 10,
    }));
    expect(runAll(parked)).toEqual([]);
    // Position frozen while the altitude field jumps: stale fixes feed nothing.
    const frozen = flight('a00043', cruise(9_000), [{ durationS: 200 }]);
    const f0 = frozen[10];
    const stale = frozen
      .slice(11)
      .map((e, i) => ({ ...e, lat: f0.lat, lon: f0.lon, baro_alt_m: 9_000 - i * 400 }));
    expect(runAll([...frozen.slice(0, 11), ...stale])).toEqual([]);
  });

  it('rapid_descent needs the reported vertical rate to agree where the feed has one', () => {
    const envs = flight('a00044', cruise(11_000), [
      { durationS: 120 },
      { durationS: 180, vrateMs: -6_500 * FPM_MS },
    ]);
    for (const e of envs) e.vrate_ms = 0; // the feed says level all along
    expect(runAll(envs)).toEqual([]);
  });

  it('go_around stays silent on a take-off, a level transit past an airport and a glider circling low', () => {
    const takeoff = flight(
      'a00050',
      { ...offset(JFK.lat, JFK.lon, 90, 1_000), altM: 4, speedMs: 80, trackDeg: 90 },
      [{ durationS: 120, vrateMs: 10 }],
    );
    expect(runAll(takeoff)).toEqual([]);
    const transit = flight(
      'a00051',
      { ...offset(JFK.lat, JFK.lon, 270, 15_000), altM: 500, speedMs: 90, trackDeg: 90 },
      [
        { durationS: 60, vrateMs: -1.5 },
        { durationS: 60, vrateMs: 0 },
        { durationS: 60, vrateMs: 3 },
        { durationS: 60 },
      ],
    );
    expect(runAll(transit)).toEqual([]);
    const glider = approach('a00052', JFK, 100, 300).map((e) => ({ ...e, category: 9 }));
    expect(runAll(glider)).toEqual([]);
  });

  it('go_around never pairs a landing with the next departure an hour later (a new flight)', () => {
    const arrival = approach('a00053', JFK, 60, 0).filter((e) => e.ts < T0_MS + 170_000);
    const departure = flight(
      'a00053',
      { ...offset(JFK.lat, JFK.lon, 90, 500), altM: 10, speedMs: 80, trackDeg: 90 },
      [{ durationS: 120, vrateMs: 10 }],
    ).map((e) => ({ ...e, ts: e.ts + 3_600_000 }));
    expect(runAll([...arrival, ...departure])).toEqual([]);
  });

  it('go_around stays silent when the aircraft slows to taxi speed low at the airport without on_ground, then departs', () => {
    const envs = approach('a00054', JFK, 30, 300).map((e, i, all) => {
      const lowIdx = all.findIndex((x) => (x.baro_alt_m ?? 0) < 60);
      return i >= lowIdx && i < lowIdx + 6 ? { ...e, speed_ms: 8, vrate_ms: 0 } : e;
    });
    expect(runAll(envs)).toEqual([]);
  });

  it('go_around needs the low point close to the airport (5 km) after a real descent (300 m)', () => {
    // The same profile, offset 8 km sideways: it passes the airport, never over its runway.
    const wide = approach('a00055', JFK, 100, 300).map((e) => ({ ...e, lat: e.lat + 0.072 }));
    expect(runAll(wide)).toEqual([]);
    // Level at 350 m, a 200 m dip and a climb: not an approach.
    const dip = flight(
      'a00057',
      { ...offset(JFK.lat, JFK.lon, 90, 9_000), altM: 350, speedMs: 75, trackDeg: 270 },
      [
        { durationS: 40, vrateMs: -5 },
        { durationS: 60, vrateMs: 5 },
      ],
    );
    expect(runAll(dip)).toEqual([]);
    expect(runAll(approach('a00056', JFK, 100, 300)).map((e) => e.type)).toEqual(['go_around']);
  });
});

describe('signal_lost due time (silenceDueMs, silenceFellDue)', () => {
  const afterMs = DETECTOR_DEFAULTS.signalLostAfterS * 1000;
  it('a silence falls due signalLostAfterS after the last report, and never before half of its minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), (lastTsMs) => {
        const dueMs = silenceDueMs(lastTsMs, afterMs);
        expect(dueMs).toBeGreaterThanOrEqual(lastTsMs + afterMs);
        expect(dueMs - (lastTsMs + afterMs)).toBeLessThanOrEqual(30_000);
        expect(dueMs % 60_000).toBeGreaterThanOrEqual(30_000);
      }),
    );
  });

  it('silenceFellDue is exactly "the report comes at or after the due time"', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: -10_000, max: 400_000 }),
        (lastTsMs, gapMs) => {
          const nowMs = lastTsMs + gapMs;
          expect(silenceFellDue(lastTsMs, nowMs, afterMs)).toBe(nowMs >= silenceDueMs(lastTsMs, afterMs));
        },
      ),
    );
  });
});
