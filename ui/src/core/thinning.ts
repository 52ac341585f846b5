/**
 * Which aircraft the globe draws: those in view, at most MAX_DRAWN of them (as Flightradar24 caps
 * the aircraft it shows zoomed out). Over the budget, an ordinary aircraft is drawn when its
 * stable rank (a hash of its ICAO24) is under the threshold that fills the budget, so the same aircraft
 * stay drawn from one delta to the next and zooming in only adds aircraft; the selected aircraft
 * and the emphasised ones (emergency squawk, open anomaly) are always drawn. The page says "N of M
 * shown at this zoom" while thinning. Pure: the layer passes its per-slot columns.
 */

/** At most this many aircraft in view are drawn at once (plus the selected and emphasised). */
export const MAX_DRAWN = 1_000;

/** A stable rank in [0, 1) per aircraft: FNV-1a of the ICAO24, as a fraction of 2^32. */
export function thinRank(icao24: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < icao24.length; i++) {
    h ^= icao24.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Murmur's finaliser: ICAO24s share prefixes, so spread every input bit over the result.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Rank buckets for the threshold: at 15,000 in view a bucket holds ~15 aircraft. */
const BUCKETS = 1024;

/**
 * The rank under which ordinary aircraft in view are drawn so that, with the always-drawn ones,
 * at most `budget` are (1 when all fit). `counts[b]` counts the ordinary aircraft in view whose
 * rank falls in bucket b; the threshold is the lower edge of the bucket where the running count
 * would pass the room left, so it falls short of the budget by less than one bucket's count.
 */
export function rankThreshold(
  counts: Uint32Array,
  ordinary: number,
  alwaysInView: number,
  budget = MAX_DRAWN,
): number {
  if (ordinary + alwaysInView <= budget) return 1;
  const room = Math.max(0, budget - alwaysInView);
  let sum = 0;
  for (let b = 0; b < counts.length; b++) {
    if (sum + counts[b]! > room) return b / counts.length;
    sum += counts[b]!;
  }
  return 1;
}

/** The view as seen from the centre of the globe: camera position and the in-view threshold. */
export interface DrawView {
  /** Camera position (scene units). */
  cx: number;
  cy: number;
  cz: number;
  /**
   * A slot is in view when unit · camera >= minDot (its unit vector against the camera
   * position); -Infinity takes every slot (the cockpit view).
   */
  minDot: number;
}

/** The per-slot columns the choice reads (the layer's own arrays). */
export interface DrawSlots {
  size: number;
  /** 1 when the slot passes the filters. */
  visible: Uint8Array;
  /** Unit vectors (x, y, z per slot) of the last fixes. */
  unit: Float32Array;
  /** 1 for emphasised aircraft (always drawn). */
  always: Uint8Array;
  /** thinRank of each slot. */
  rank: Float32Array;
  /** The selected aircraft's slot, or -1. */
  selected: number;
}

export interface DrawChoice {
  /** Slots written to the index (drawn). */
  drawn: number;
  /** Slots in view that pass the filters (drawn or not). */
  inView: number;
}

/**
 * Writes the slots to draw into `index` (and 1/0 into `drawn` per slot); returns how many are
 * drawn of how many are in view.
 */
export function chooseDrawn(
  s: DrawSlots,
  view: DrawView,
  index: Uint32Array,
  drawn: Uint8Array,
  budget = MAX_DRAWN,
): DrawChoice {
  const { visible, unit, always, rank } = s;
  const { cx, cy, cz, minDot } = view;
  let inView = 0;
  let alwaysInView = 0;
  const counts = new Uint32Array(BUCKETS);
  for (let i = 0; i < s.size; i++) {
    drawn[i] = 0;
    if (visible[i] !== 1) continue;
    const o = i * 3;
    if (unit[o]! * cx + unit[o + 1]! * cy + unit[o + 2]! * cz < minDot) continue;
    drawn[i] = 1; // in view for now; the second pass decides
    inView++;
    if (always[i] === 1 || i === s.selected) alwaysInView++;
    else counts[Math.min(BUCKETS - 1, Math.floor(rank[i]! * BUCKETS))]!++;
  }
  const share = rankThreshold(counts, inView - alwaysInView, alwaysInView, budget);
  let n = 0;
  for (let i = 0; i < s.size; i++) {
    if (drawn[i] !== 1) continue;
    if (share < 1 && always[i] !== 1 && i !== s.selected && rank[i]! >= share) {
      drawn[i] = 0;
      continue;
    }
    index[n++] = i;
  }
  // The selected aircraft is drawn wherever it is (its ring and label follow it).
  const sel = s.selected;
  if (sel >= 0 && sel < s.size && drawn[sel] !== 1 && visible[sel] === 1) {
    drawn[sel] = 1;
    index[n++] = sel;
  }
  return { drawn: n, inView };
}
