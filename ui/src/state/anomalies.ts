import { createStore } from 'solid-js/store';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import { mergeAnomalies, mergeAnomaly } from '../core/anomaly-feed.ts';

export function createAnomalySlice() {
  const [state, set] = createStore<{ feed: AnomalyEvent[] }>({ feed: [] });
  return {
    state,
    add: (e: AnomalyEvent) => set('feed', (f) => mergeAnomaly(f, e)),
    addMany: (es: AnomalyEvent[]) => set('feed', (f) => mergeAnomalies(f, es)),
  };
}
export type AnomalySlice = ReturnType<typeof createAnomalySlice>;
