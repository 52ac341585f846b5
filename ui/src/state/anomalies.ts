import { createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { AnomalyType, Severity } from '../../../runtime/contract/anomaly.ts';
import { DEFAULT_TRIAGE, type TriageFilter } from '../core/alert-triage.ts';
import { type FeedEvent, mergeAnomalies, resolveOrphans } from '../core/anomaly-feed.ts';

/** Acknowledged ids, kept in the browser across reloads (the newest ACKS_KEPT). */
export const ACKS_KEY = 'skysentinel.acks';
const ACKS_KEPT = 2000;
const SOUND_KEY = 'skysentinel.sound';

/** Where acknowledgements live: localStorage in the page, anything with the same shape in tests. */
export type AckStorage = Pick<Storage, 'getItem' | 'setItem'>;

function loadAcks(storage: AckStorage | null): string[] {
  try {
    const v: unknown = JSON.parse(storage?.getItem(ACKS_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(-ACKS_KEPT) : [];
  } catch {
    return [];
  }
}

export function createAnomalySlice(storage: AckStorage | null = globalThis.localStorage ?? null) {
  const [state, set] = createStore<{ feed: FeedEvent[]; triage: TriageFilter; expanded: string[] }>({
    feed: [],
    triage: { ...DEFAULT_TRIAGE },
    expanded: [],
  });
  const ackList = loadAcks(storage);
  const [acked, setAcked] = createSignal<ReadonlySet<string>>(new Set(ackList));
  const [sound, setSound] = createSignal(storage?.getItem(SOUND_KEY) === 'on');
  const save = (key: string, value: string) => {
    try {
      storage?.setItem(key, value);
    } catch {
      // Storage full or disabled: the acknowledgement holds for this page only.
    }
  };
  return {
    state,
    acked,
    sound,
    merge: (es: FeedEvent[]) => set('feed', (f) => mergeAnomalies(f, es)),
    resolveOrphans: (openIds: ReadonlySet<string>, settled: (e: FeedEvent) => boolean) =>
      set('feed', (f) => resolveOrphans(f, openIds, settled)),
    acknowledge: (id: string) => {
      if (acked().has(id)) return;
      ackList.push(id);
      if (ackList.length > ACKS_KEPT) ackList.splice(0, ackList.length - ACKS_KEPT);
      setAcked(new Set(ackList));
      save(ACKS_KEY, JSON.stringify(ackList));
    },
    toggleType: (t: AnomalyType) =>
      set('triage', 'hiddenTypes', (h) => (h.includes(t) ? h.filter((x) => x !== t) : [...h, t])),
    setOpenOnly: (openOnly: boolean) => set('triage', 'openOnly', openOnly),
    setMinSeverity: (minSeverity: Severity) => set('triage', 'minSeverity', minSeverity),
    toggleExpanded: (key: string) =>
      set('expanded', (x) => (x.includes(key) ? x.filter((k) => k !== key) : [...x, key])),
    setSound: (on: boolean) => {
      setSound(on);
      save(SOUND_KEY, on ? 'on' : 'off');
    },
  };
}
export type AnomalySlice = ReturnType<typeof createAnomalySlice>;
