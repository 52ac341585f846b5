/** Pure helpers for the soak run's figures: Prometheus text sums and RSS drift by thirds. */

/**
 * Sums the samples of one metric in Prometheus text, keeping only samples whose labels include
 * every `where` pair (e.g. {result: 'accepted'}). Returns 0 when there is none.
 */
export function sumMetric(text: string, name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const labels = parseLabels(m[3] ?? '');
    if (!Object.entries(where).every(([k, v]) => labels[k] === v)) continue;
    const v = Number(m[4]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

function parseLabels(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

export interface Drift {
  middleMb: number;
  lastMb: number;
  /** (last third mean - middle third mean) / middle third mean, in percent. */
  growthPct: number;
}

/**
 * RSS after warm-up: the mean of the last third of the samples against the mean of the middle
 * third (the first third is warm-up: actors spawning, buffers and JIT settling).
 */
export function rssDrift(samplesBytes: readonly number[]): Drift | null {
  if (samplesBytes.length < 3) return null;
  const third = Math.floor(samplesBytes.length / 3);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const middle = mean(samplesBytes.slice(third, 2 * third));
  const last = mean(samplesBytes.slice(samplesBytes.length - third));
  return { middleMb: middle / 1e6, lastMb: last / 1e6, growthPct: ((last - middle) / middle) * 100 };
}
