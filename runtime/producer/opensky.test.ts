import { describe, expect, it } from 'vitest';
import { convertStates, type StateVector, stateToEnvelope } from './opensky.ts';

// Shape of a real /states/all entry (extended=1 adds the category).
const state = (over: Record<number, unknown> = {}): StateVector => {
  const s: unknown[] = [
    'A1B2C3',
    'DAL123  ',
    'United States',
    1732700000,
    1732700001.5,
    -73.78,
    40.64,
    1219.2,
    false,
    82.3,
    360,
    -4.55,
    null,
    1250.5,
    '7700',
    false,
    0,
    4,
  ];
  for (const [i, v] of Object.entries(over)) s[Number(i)] = v;
  return s;
};

describe('OpenSky state vector -> FlightEnvelope', () => {
  it('converts in the documented field order, seconds to ms, callsign trimmed', () => {
    const r = stateToEnvelope(state());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.envelope).toMatchObject({
      v: 1,
      icao24: 'a1b2c3',
      callsign: 'DAL123',
      origin_country: 'United States',
      ts: 1732700000000,
      last_contact: 1732700001500,
      lat: 40.64,
      lon: -73.78,
      baro_alt_m: 1219.2,
      geo_alt_m: 1250.5,
      speed_ms: 82.3,
      track_deg: 0,
      vrate_ms: -4.55,
      on_ground: false,
      squawk: '7700',
      spi: false,
      pos_source: 0,
      category: 4,
      source: 'opensky',
    });
  });
  it('empty callsign becomes null; a bad squawk is dropped, not the fix', () => {
    const r = stateToEnvelope(state({ 1: '        ', 14: '9999' }));
    expect(r.ok && r.envelope.callsign).toBe(null);
    expect(r.ok && r.envelope.squawk).toBe(null);
  });
  it('drops states without a position or without a position time', () => {
    expect(stateToEnvelope(state({ 5: null, 6: null }))).toMatchObject({ ok: false, reason: 'no_position' });
    expect(stateToEnvelope(state({ 3: null }))).toMatchObject({ ok: false, reason: 'no_position' });
  });
  it('rejects out-of-contract values as invalid', () => {
    expect(stateToEnvelope(state({ 7: 40_000 }))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(stateToEnvelope(state({ 0: 'zz' }))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(stateToEnvelope([1, 2, 3] as StateVector)).toMatchObject({ ok: false, reason: 'invalid' });
  });
  it('counts and skips repeats of an unchanged position; the memory follows the response', () => {
    const last = new Map<string, number>();
    const a = convertStates({ time: 1, states: [state(), state({ 0: 'b00001', 5: null })] }, last);
    expect(a).toMatchObject({ noPosition: 1, unchanged: 0 });
    expect(a.envelopes).toHaveLength(1);
    const b = convertStates({ time: 2, states: [state()] }, last);
    expect(b).toMatchObject({ unchanged: 1, envelopes: [] });
    convertStates({ time: 3, states: null }, last);
    expect(last.size).toBe(0);
  });
});
