import { createStore } from 'solid-js/store';
import type { Track } from '../../../runtime/contract/track.ts';
import type { TrailPoint } from '../core/profile.ts';

export interface SelectionState {
  icao24: string | null;
  flight: Track | null;
  /** Country comes from the detail answer when the edge has it. */
  trail: TrailPoint[];
  loading: boolean;
  error: string | null;
  cockpit: boolean;
}

/** Live points appended to a trail are capped so a long session does not grow without bound. */
const TRAIL_LIMIT = 2_000;

export function createSelectionSlice() {
  const [state, set] = createStore<SelectionState>({
    icao24: null,
    flight: null,
    trail: [],
    loading: false,
    error: null,
    cockpit: false,
  });
  return {
    state,
    select: (icao24: string, flight: Track | null) =>
      set({ icao24, flight, trail: [], loading: true, error: null }),
    loaded: (flight: Track, trail: TrailPoint[]) => set({ flight, trail, loading: false }),
    failed: (error: string) => set({ loading: false, error }),
    /** A live update of the selected aircraft: refresh the fields and extend the trail. */
    update: (t: Track) =>
      set((s) => {
        const last = s.trail[s.trail.length - 1];
        const trail =
          last && last[0] >= t.ts
            ? s.trail
            : [...s.trail, [t.ts, t.lat, t.lon, t.alt_m] as TrailPoint].slice(-TRAIL_LIMIT);
        return { flight: t, trail };
      }),
    gone: () => set({ error: 'no longer tracked' }),
    clear: () => set({ icao24: null, flight: null, trail: [], loading: false, error: null, cockpit: false }),
    setCockpit: (cockpit: boolean) => set({ cockpit }),
  };
}
export type SelectionSlice = ReturnType<typeof createSelectionSlice>;
