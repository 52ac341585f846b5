import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // gone meanwhile
  }
};
/** utime + stime (ticks) and the parent pid from a /proc stat line (comm may hold spaces and ')'). */
function parseStat(stat: string): { ppid: number; ticks: number } {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** The live processes descended from `rootPid`. */
function descendants(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (stat) parentOf.set(pid, parseStat(stat).ppid);
  }
  return [...parentOf.keys()].filter((pid) => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p))
      if (p === rootPid) return true;
    return false;
  });
}

/**
 * CPU time (user + system, ms) used so far by every live process descended from `rootPid`
 * (default: this process), read from /proc (Linux): for a browser this process launched, its
 * renderer, GPU (SwiftShader rasterises there) and browser processes together. Unlike a frame
 * interval it does not grow when other work on the machine takes the CPU away.
 */
export function descendantCpuMs(rootPid = process.pid): number {
  let total = 0;
  for (const ms of descendantCpuMsByThread(rootPid).values()) total += ms;
  return total;
}

/**
 * The same per "process kind / thread name" (a Chromium process is named by its main thread:
 * CrGpuMain, CrRendererMain, CrBrowserMain; threads by their name, digits dropped), to see where a
 * frame's CPU goes.
 */
export function descendantCpuMsByThread(rootPid = process.pid): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of descendants(rootPid)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    const threads: { name: string; ticks: number }[] = [];
    for (const tid of tids) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      const name = read(`/proc/${pid}/task/${tid}/comm`)?.trim() ?? '?';
      if (stat) threads.push({ name, ticks: parseStat(stat).ticks });
    }
    const kind = threads.find((t) => t.name.startsWith('Cr') && t.name.endsWith('Main'))?.name ?? 'other';
    for (const t of threads) {
      const k = `${kind}/${t.name.replace(/\d+/g, '#')}`;
      out.set(k, (out.get(k) ?? 0) + (t.ticks * 1000) / TICKS_PER_S);
    }
  }
  return out;
}
