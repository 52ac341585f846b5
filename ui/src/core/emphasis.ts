import type { Track } from '../../../runtime/contract/track.ts';

/** 7500 hijack, 7600 radio failure, 7700 general emergency. */
export const EMERGENCY_SQUAWKS: Readonly<Record<string, string>> = {
  '7500': 'hijack',
  '7600': 'radio failure',
  '7700': 'emergency',
};

export function isEmergencySquawk(squawk: string | null): boolean {
  return squawk !== null && squawk in EMERGENCY_SQUAWKS;
}

/** How strongly an aircraft is drawn: emergencies above open anomalies above the rest. */
export type Emphasis = 'emergency' | 'anomaly' | 'normal';

export function emphasisOf(t: Track): Emphasis {
  if (isEmergencySquawk(t.squawk)) return 'emergency';
  if (t.anomalies.length > 0) return 'anomaly';
  return 'normal';
}
