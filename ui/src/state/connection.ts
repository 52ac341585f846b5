import { createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';

/** What the connection badge shows. */
export type ConnectionStatus = 'connecting' | 'live' | 'resyncing' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts since the last successful connect. */
  attempt: number;
  /** Delay before the next attempt while reconnecting, ms. */
  retryInMs: number | null;
  /** seq of the last applied frame. */
  seq: number | null;
  /** Resyncs asked for because of a seq gap (shown in the badge title). */
  gaps: number;
}

export function createConnectionSlice() {
  /** Seconds without a frame, 0 while data flows (core/staleness.ts). */
  const [staleForS, setStaleForS] = createSignal(0);
  const [state, set] = createStore<ConnectionState>({
    status: 'connecting',
    attempt: 0,
    retryInMs: null,
    seq: null,
    gaps: 0,
  });
  return {
    state,
    connecting: () => set({ status: 'connecting', retryInMs: null }),
    live: () => set({ status: 'live', attempt: 0, retryInMs: null }),
    resyncing: () => set((s) => ({ status: 'resyncing', gaps: s.gaps + 1 })),
    reconnecting: (attempt: number, retryInMs: number) => set({ status: 'reconnecting', attempt, retryInMs }),
    seq: (seq: number | null) => set('seq', seq),
    staleForS,
    setStaleForS,
  };
}
export type ConnectionSlice = ReturnType<typeof createConnectionSlice>;
