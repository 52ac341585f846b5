import { createSignal } from 'solid-js';
import { createFlightStore } from '../core/flight-store.ts';

/**
 * The board itself stays a plain Map (15,000 reactive records would cost more than the globe);
 * Solid only sees the numbers the panels show.
 */
export function createFlightsSlice() {
  const store = createFlightStore();
  const [total, setTotal] = createSignal(0);
  const [visible, setVisible] = createSignal(0);
  const [lastTs, setLastTs] = createSignal(0);
  /** Aircraft the globe draws of those in view (fewer when thinned zoomed out: core/thinning.ts). */
  const [drawn, setDrawn] = createSignal({ drawn: 0, inView: 0 });
  return {
    store,
    total,
    visible,
    lastTs,
    drawn,
    setDrawn: (d: number, inView: number) => setDrawn({ drawn: d, inView }),
    setCounts: (t: number, v: number, ts: number) => {
      setTotal(t);
      setVisible(v);
      setLastTs(ts);
    },
  };
}
export type FlightsSlice = ReturnType<typeof createFlightsSlice>;
