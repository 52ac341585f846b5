import type { AnomalyEvent } from '../../runtime/contract/index.ts';
import type { DetectorOptions } from '../defaults.ts';
import type { Observation } from '../observation.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from '../slots.ts';
import { anomalyEvent } from './event.ts';

/** Transponder codes that declare an emergency. */
export const EMERGENCY_SQUAWKS: Readonly<Record<string, string>> = {
  '7500': 'unlawful interference',
  '7600': 'radio failure',
  '7700': 'general emergency',
};

/**
 * emergency_squawk: 7500/7600/7700 in `emergencyOpenUpdates` consecutive accepted updates opens a
 * critical event (started at the first of them); `emergencyCloseUpdates` updates without closes it
 * (ended at the first of those). A single-update blip is a typo or a transponder glitch, not news.
 */
export class EmergencySquawkMachine implements Slotted {
  static readonly SLOTS: number;
  open = false;
  private run = 0; // consecutive updates with (closed) or without (open) an emergency code
  declare private runStartTs: number;
  declare private startedAt: number;
  declare private detectedAt: number;
  private codes: string[] | null = null;

  constructor(
    private readonly opts: Pick<DetectorOptions, 'emergencyOpenUpdates' | 'emergencyCloseUpdates'>,
    readonly s: SlotArray = slotArray(EmergencySquawkMachine.SLOTS),
    readonly b = 0,
  ) {}

  update(o: Observation, out: AnomalyEvent[]): void {
    const code = o.squawk;
    // Plain comparisons: a lookup of '1200' in an object keyed '7500'... is an element lookup in a
    // sparse (dictionary) store, several times slower, on every update of every aircraft.
    const emergency = code === '7700' || code === '7600' || code === '7500';
    if (!this.open) {
      if (!emergency) {
        this.run = 0;
        return;
      }
      if (this.run === 0) this.runStartTs = o.tsMs;
      this.run++;
      if (this.run < this.opts.emergencyOpenUpdates) return;
      this.open = true;
      this.run = 0;
      this.startedAt = this.runStartTs;
      this.detectedAt = o.tsMs;
      this.codes = [code];
      out.push(this.event(o, 'open', null));
      return;
    }
    if (emergency) {
      this.run = 0;
      if (this.codes && !this.codes.includes(code)) this.codes.push(code);
      return;
    }
    if (this.run === 0) this.runStartTs = o.tsMs;
    this.run++;
    if (this.run < this.opts.emergencyCloseUpdates) return;
    this.open = false;
    this.run = 0;
    out.push(this.event(o, 'closed', this.runStartTs));
  }

  /** The flight ended at `endTsMs` (long silence, track reset): an open event closes there. */
  endFlight(o: Observation, out: AnomalyEvent[], endTsMs: number): void {
    this.run = 0;
    if (!this.open) return;
    this.open = false;
    out.push(this.event(o, 'closed', endTsMs));
  }

  private event(o: Observation, phase: 'open' | 'closed', endedAt: number | null): AnomalyEvent {
    const codes = this.codes ?? [];
    const squawk = codes[0];
    return anomalyEvent(
      'emergency_squawk',
      phase,
      'critical',
      o,
      { startedAt: this.startedAt, detectedAt: this.detectedAt, endedAt },
      o.airport?.ident ?? null,
      { squawk, meaning: EMERGENCY_SQUAWKS[squawk], squawks: [...codes] },
    );
  }
}

(EmergencySquawkMachine as unknown as { SLOTS: number }).SLOTS = defineSlots(EmergencySquawkMachine, [
  'runStartTs',
  'startedAt',
  'detectedAt',
]);
