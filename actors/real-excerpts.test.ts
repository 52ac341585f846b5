import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../runtime/contract/index.ts';
import { AirportIndex } from './airports.ts';
import type { DetectorOptions } from './defaults.ts';
import { detectLines } from './detect.ts';

/**
 * The rules of issue 15 over real ADS-B traces (OpenSky via the `traffic` package, MIT; see
 * fixtures/real/excerpts/README.md for where each comes from and what it shows).
 */
const airports = AirportIndex.load(new URL('../fixtures/airports.geojson', import.meta.url).pathname);

async function eventsOf(name: string, options: Partial<DetectorOptions> = {}): Promise<AnomalyEvent[]> {
  const events: AnomalyEvent[] = [];
  await detectLines(
    createInterface({
      input: createReadStream(new URL(`../fixtures/real/excerpts/${name}.jsonl`, import.meta.url)),
    }),
    { airports, options, onEvent: (e) => events.push(e) },
  );
  return events;
}

/** One go_around at `airport`, detected inside [from, to] (the label's window). */
async function expectOneGoAround(name: string, airport: string, from: string, to: string): Promise<void> {
  const events = await eventsOf(name);
  expect(events.map((e) => `${e.type}:${e.airport}`)).toEqual([`go_around:${airport}`]);
  expect(events[0].detected_at).toBeGreaterThanOrEqual(Date.parse(from));
  expect(events[0].detected_at).toBeLessThanOrEqual(Date.parse(to));
}
const types = (events: AnomalyEvent[]) => events.map((e) => `${e.type}:${e.phase}`);

describe('real-trace excerpts through the actors', () => {
  it('a landing whose last report is at 200 ft is not a loss of signal, nor a go-around', async () => {
    expect(types(await eventsOf('landing-vanishes-200ft'))).toEqual([]);
  });

  it('an aircraft leaving the recorded area at its outer edge is not lost', async () => {
    expect(types(await eventsOf('leaves-coverage')).filter((t) => t.startsWith('signal_lost'))).toEqual([]);
  });

  it('a landing and the same airframe departing 2 h later are two flights: nothing', async () => {
    expect(types(await eventsOf('turnaround'))).toEqual([]);
  });

  for (const name of ['bogus-altitude-parked', 'frozen-position-altitude-jumps', 'altitude-flip']) {
    it(`${name}: the bogus altitudes make no rapid_descent and no go_around`, async () => {
      const t = types(await eventsOf(name));
      expect(t.filter((x) => x.startsWith('rapid_descent') || x.startsWith('go_around'))).toEqual([]);
    });
  }

  it('a parabola of zero-gravity flight is no rapid_descent', async () => {
    expect(types(await eventsOf('parabolic-flight')).filter((t) => t.startsWith('rapid_descent'))).toEqual(
      [],
    );
  });

  it('the low approach at Lelystad is exactly one go_around at EHLE, in its window', async () => {
    const events = await eventsOf('ehle-low-approach');
    expect(events.map((e) => `${e.type}:${e.airport}`)).toEqual(['go_around:EHLE']);
    expect(events[0].detected_at).toBeGreaterThanOrEqual(Date.parse('2018-05-30T16:04:24Z'));
    expect(events[0].detected_at).toBeLessThanOrEqual(Date.parse('2018-05-30T16:13:01Z'));
  });

  it('the flight inspection low approach at Bornholm is exactly one go_around at EKRN, in its window', async () => {
    const events = await eventsOf('calibration-low-approach');
    expect(events.map((e) => `${e.type}:${e.airport}`)).toEqual(['go_around:EKRN']);
    expect(events[0].detected_at).toBeGreaterThanOrEqual(Date.parse('2018-11-26T10:01:45Z'));
    expect(events[0].detected_at).toBeLessThanOrEqual(Date.parse('2018-11-26T10:08:25Z'));
  });

  it('a glider circling near an airfield (no emitter category) makes no go_around or rapid_descent', async () => {
    expect(types(await eventsOf('glider-near-airfield'))).toEqual([]);
  });

  it('a flight inspection aircraft turning full circles near Mirabel makes no go_around', async () => {
    expect(types(await eventsOf('calibration-orbit')).filter((t) => t.startsWith('go_around'))).toEqual([]);
  });

  it('a low approach from 925 m within an approach begun lower (the descent counts from the recent high) is one go_around at EBBR', async () => {
    await expectOneGoAround(
      'calibration-descent-before-approach',
      'EBBR',
      '2018-12-08T14:23:05Z',
      '2018-12-08T14:29:05Z',
    );
  });

  it('a level run on the final course at 1,375 ft after a descent, then a climb, is one go_around at YSSY', async () => {
    await expectOneGoAround('calibration-level-run', 'YSSY', '2018-11-10T01:01:25Z', '2018-11-10T01:07:25Z');
  });

  it('a slow climb to circuit height that levels and dips a few metres is sustained: one go_around at EGKK', async () => {
    await expectOneGoAround(
      'calibration-circuit-height-climb',
      'EGKK',
      '2019-02-28T03:23:45Z',
      '2019-02-28T03:29:55Z',
    );
  });

  it('a pop-up off the runway that comes straight back down to land is no go_around (the climb is not sustained)', async () => {
    const goArounds = (events: AnomalyEvent[]) => types(events).filter((t) => t.startsWith('go_around'));
    expect(goArounds(await eventsOf('calibration-popup-landing'))).toEqual([]);
    // what makes it silent: confirmed at the first 150 m of climb, it would be one
    expect(
      goArounds(await eventsOf('calibration-popup-landing', { goAroundHoldS: 0, goAroundClearClimbM: 150 })),
    ).toEqual(['go_around:closed']);
  });

  it('a dive to ~330 m over the field and straight back up is no go_around (the low is held over three reports)', async () => {
    expect(types(await eventsOf('calibration-dive-pullup')).filter((t) => t.startsWith('go_around'))).toEqual(
      [],
    );
  });
});
