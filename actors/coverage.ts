/**
 * Where reports are arriving now: a coarse grid of the sky (cells of 0.25 deg x 0.25 deg, four
 * altitude bands), each cell-band counting the reports of each recent minute (the router writes
 * an aircraft's reports once per cell-band and minute: the first at once, the rest when it moves
 * on). A note is a few integer operations, no allocation once its 1-deg tile exists; signal_lost
 * asks it whether others were seen around where a silent aircraft should be now, at a similar
 * altitude, and whether that place is inside what the source covers (every cell around it seen
 * lately) rather than at its edge.
 *
 * Memory: a tile (1 deg x 1 deg: 16 cells x 4 bands x (a stamp + 32 minute counts), plus each
 * cell's highest altitude of each of those minutes, 10.6 KB) is made
 * the first time a report falls in it; the index of tiles is 259 KB for the whole globe. Time is
 * the stream's (report `ts`), so a file replays to the same answers.
 */

const CELLS_PER_DEG = 4;
const LAT_CELLS = 180 * CELLS_PER_DEG;
const LON_CELLS = 360 * CELLS_PER_DEG;
const CELLS_PER_TILE_SIDE = CELLS_PER_DEG; // tiles are 1 deg
/** Altitude bands: below 1,000 m, 1,000-3,000, 3,000-6,000, above 6,000 m (no altitude: the lowest). */
export const BANDS = 4;
const BAND_TOPS_M = [1_000, 3_000, 6_000];
export const BUCKET_MS = 60_000;
/**
 * Minutes remembered per cell-band: a power of two, longer than the router lets partitions drift
 * apart before a silence is decided (its BACKLOG_WAIT_MS, plus the silence): a partition decided
 * late still finds the minutes of its silence, however far the others ran ahead meanwhile.
 */
export const BUCKETS = 32;
const BUCKET_MASK = BUCKETS - 1;
/** A record: a stamp (bucket number of the latest write), then one value per bucket (bucket & BUCKET_MASK). */
const REC = 1 + BUCKETS;
const CELLS_PER_TILE = CELLS_PER_TILE_SIDE * CELLS_PER_TILE_SIDE;
/** After the cell-band records: per cell, a stamp and the highest altitude (m) of each recent minute. */
const HIGH_AT = CELLS_PER_TILE * BANDS * REC;
const TILE_INTS = HIGH_AT + CELLS_PER_TILE * REC;

export function bandOf(altM: number): number {
  if (!(altM >= BAND_TOPS_M[0])) return 0; // NaN too
  if (altM < BAND_TOPS_M[1]) return 1;
  return altM < BAND_TOPS_M[2] ? 2 : 3;
}

/** One number for the cell-band holding (lat, lon, altM): equal for reports that note the same record. */
export function coverageKeyOf(lat: number, lon: number, altM: number): number {
  return (latCell(lat) * LON_CELLS + lonCell(lon)) * BANDS + bandOf(altM);
}

export class CoverageMap {
  private readonly tileOf = new Int32Array(
    (LAT_CELLS / CELLS_PER_TILE_SIDE) * (LON_CELLS / CELLS_PER_TILE_SIDE),
  ).fill(-1);
  private readonly tiles: Int32Array[] = [];
  /** Scratch of `around`: the tiles and cells of up to 9 neighbouring cells. */
  private readonly nearTiles: Int32Array[] = [];
  private readonly nearCells = new Int32Array(9);

  /** Tiles made so far (each 1 deg x 1 deg where reports arrived). */
  get tileCount(): number {
    return this.tiles.length;
  }

  /** One report at (lat, lon, altM) at `tsMs`. */
  note(lat: number, lon: number, altM: number, tsMs: number): void {
    const i = latCell(lat);
    const j = lonCell(lon);
    const t = (i >> 2) * (LON_CELLS / CELLS_PER_TILE_SIDE) + (j >> 2);
    let ti = this.tileOf[t];
    if (ti < 0) {
      ti = this.tiles.length;
      this.tiles.push(new Int32Array(TILE_INTS));
      this.tileOf[t] = ti;
    }
    const tile = this.tiles[ti];
    const cell = (i & 3) * CELLS_PER_TILE_SIDE + (j & 3);
    const rec = (cell * BANDS + bandOf(altM)) * REC;
    const bucket = bucketOf(tsMs);
    // The highest altitude of each minute in the cell (any band).
    const h = HIGH_AT + cell * REC;
    const hStamp = tile[h];
    const alt = altM > 0 ? Math.round(altM) : 0;
    if (bucket > hStamp) {
      const n = Math.min(bucket - hStamp, BUCKETS);
      for (let k = 0; k < n; k++) tile[h + 1 + ((bucket - k) & BUCKET_MASK)] = -1;
      tile[h] = bucket;
    }
    const hi = h + 1 + (bucket & BUCKET_MASK);
    if (bucket > hStamp - BUCKETS && alt > tile[hi]) tile[hi] = alt;
    const stamp = tile[rec];
    if (bucket > stamp) {
      // Buckets between the last write and this one saw nothing: clear them (at most all of them).
      const n = Math.min(bucket - stamp, BUCKETS);
      for (let k = 0; k < n; k++) tile[rec + 1 + ((bucket - k) & BUCKET_MASK)] = 0;
      tile[rec] = bucket;
    } else if (bucket <= stamp - BUCKETS) return; // older than the memory
    tile[rec + 1 + (bucket & BUCKET_MASK)]++;
  }

  /**
   * `n` more reports in the cell-band `key` (coverageKeyOf) in minute `bucket`, after a `note` of
   * the same cell-band and minute (which made its tile); dropped once that minute is forgotten.
   */
  addReports(key: number, bucket: number, n: number): void {
    const band = key % BANDS;
    const ij = (key - band) / BANDS;
    const j = ij % LON_CELLS;
    const i = (ij - j) / LON_CELLS;
    const tile = this.tileAt(i, j);
    if (tile === null) return;
    const rec = this.recOf(i, j, band);
    if (bucket > tile[rec] - BUCKETS && bucket <= tile[rec]) tile[rec + 1 + (bucket & BUCKET_MASK)] += n;
  }

  /**
   * Reports in the 3x3 cells around (lat, lon), in bands `loBand`..`hiBand`, in the minutes after
   * the one holding `afterMs` up to the one holding `toMs` (the silent aircraft's own last reports
   * fall in the first minute and are not counted).
   */
  reportsNear(
    lat: number,
    lon: number,
    loBand: number,
    hiBand: number,
    afterMs: number,
    toMs: number,
  ): number {
    const from = bucketOf(afterMs) + 1;
    const to = bucketOf(toMs);
    const n = this.around(lat, lon);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const tile = this.nearTiles[k];
      const cell = this.nearCells[k];
      for (let band = Math.max(0, loBand); band <= Math.min(BANDS - 1, hiBand); band++)
        sum += sumBuckets(tile, (cell * BANDS + band) * REC, from, to);
    }
    return sum;
  }

  /**
   * (lat, lon) lies inside what the source covers: its cell, or within `reachCells` cells of it in
   * at least `minSides` of the four directions (north, south, east and west), a cell saw a report at
   * any altitude since `sinceMs`. The latest report of each cell-band is remembered however long ago, so this is
   * the extent of the source: a point beyond its edge has no covered cell on the outer side; one in
   * a quiet patch inside (sparse traffic) has covered cells all around.
   */
  insideSince(lat: number, lon: number, sinceMs: number, reachCells: number, minSides = 4): boolean {
    const i0 = latCell(lat);
    const j0 = lonCell(lon);
    const from = bucketOf(sinceMs);
    if (this.cellSeen(i0, j0, from)) return true;
    let sides = 0;
    for (let d = 0; d < 4; d++) {
      if (sides + (4 - d) < minSides) return false;
      const di = d === 0 ? 1 : d === 1 ? -1 : 0;
      const dj = d === 2 ? 1 : d === 3 ? -1 : 0;
      for (let k = 1; k <= reachCells; k++) {
        const i = i0 + di * k;
        if (i < 0 || i >= LAT_CELLS) break;
        if (this.cellSeen(i, (j0 + dj * k + LON_CELLS) % LON_CELLS, from)) {
          sides++;
          break;
        }
      }
    }
    return sides >= minSides;
  }

  /**
   * In how many (cell, minute) pairs of the 3x3 cells around (lat, lon), in the minutes after the
   * one holding `afterMs` up to the one holding `toMs`, a report at or above `altM` arrived: others
   * seen as high as a silent aircraft would be (a recording's or a receiver's ceiling is an edge).
   */
  minutesSeenAbove(lat: number, lon: number, altM: number, afterMs: number, toMs: number): number {
    const from = bucketOf(afterMs) + 1;
    const to = bucketOf(toMs);
    const cells = this.around(lat, lon);
    let n = 0;
    for (let k = 0; k < cells; k++) {
      const tile = this.nearTiles[k];
      const h = HIGH_AT + this.nearCells[k] * REC;
      const stamp = tile[h];
      for (let b = Math.max(from, stamp - BUCKETS + 1); b <= Math.min(to, stamp); b++)
        if (tile[h + 1 + (b & BUCKET_MASK)] >= altM) n++;
    }
    return n;
  }

  /**
   * The 3x3 cells around (lat, lon) that have a tile: their tiles and cell indices (within the
   * tile) into nearTiles / nearCells; returns how many. (Reused arrays: no allocation per query.)
   */
  private around(lat: number, lon: number): number {
    const i0 = latCell(lat);
    const j0 = lonCell(lon);
    let n = 0;
    for (let di = -1; di <= 1; di++) {
      const i = i0 + di;
      if (i < 0 || i >= LAT_CELLS) continue;
      for (let dj = -1; dj <= 1; dj++) {
        const j = (j0 + dj + LON_CELLS) % LON_CELLS;
        const tile = this.tileAt(i, j);
        if (tile === null) continue;
        this.nearTiles[n] = tile;
        this.nearCells[n] = (i & 3) * CELLS_PER_TILE_SIDE + (j & 3);
        n++;
      }
    }
    return n;
  }

  /** A report at any altitude in cell (i, j) in bucket `from` or later. */
  private cellSeen(i: number, j: number, from: number): boolean {
    const tile = this.tileAt(i, j);
    if (tile === null) return false;
    for (let band = 0; band < BANDS; band++) if (tile[this.recOf(i, j, band)] >= from) return true;
    return false;
  }

  private tileAt(i: number, j: number): Int32Array | null {
    const ti = this.tileOf[(i >> 2) * (LON_CELLS / CELLS_PER_TILE_SIDE) + (j >> 2)];
    return ti < 0 ? null : this.tiles[ti];
  }

  private recOf(i: number, j: number, band: number): number {
    return (((i & 3) * CELLS_PER_TILE_SIDE + (j & 3)) * BANDS + band) * REC;
  }
}

/** Sum of the counts of buckets from..to (inclusive) that the record still holds. */
function sumBuckets(tile: Int32Array, rec: number, from: number, to: number): number {
  const stamp = tile[rec];
  const lo = Math.max(from, stamp - BUCKETS + 1);
  const hi = Math.min(to, stamp);
  let sum = 0;
  for (let b = lo; b <= hi; b++) sum += tile[rec + 1 + (b & BUCKET_MASK)];
  return sum;
}

/**
 * The minute holding `tsMs`, as a small integer: contract times lie in [2000, 2100), so minutes
 * fit in 31 bits (an int, not a double: `& BUCKET_MASK` on it is one instruction, `%` on a double
 * a call to fmod).
 */
export function bucketOf(tsMs: number): number {
  return Math.floor(tsMs / BUCKET_MS) | 0;
}

function latCell(lat: number): number {
  const i = Math.floor((lat + 90) * CELLS_PER_DEG);
  return i < 0 ? 0 : i >= LAT_CELLS ? LAT_CELLS - 1 : i;
}

function lonCell(lon: number): number {
  const j = Math.floor((lon + 180) * CELLS_PER_DEG);
  return j < 0 ? j + LON_CELLS : j >= LON_CELLS ? j - LON_CELLS : j;
}
