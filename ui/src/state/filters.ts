import { createStore } from 'solid-js/store';
import { DEFAULT_FILTER, type FlightFilter } from '../core/filters.ts';

export function createFilterSlice() {
  const [state, set] = createStore<FlightFilter>({ ...DEFAULT_FILTER });
  return {
    state,
    setAltRange: (altMinM: number | null, altMaxM: number | null) => set({ altMinM, altMaxM }),
    setShowOnGround: (showOnGround: boolean) => set({ showOnGround }),
    setQuery: (query: string) => set({ query }),
    setAnomaliesOnly: (anomaliesOnly: boolean) => set({ anomaliesOnly }),
    /** A plain copy for the pure filter functions (no store proxies in hot loops). */
    snapshot: (): FlightFilter => ({ ...state }),
  };
}
export type FilterSlice = ReturnType<typeof createFilterSlice>;
