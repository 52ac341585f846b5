import { readFileSync } from 'node:fs';

/** Linux reports process and machine CPU time in USER_HZ ticks: 100 per second on every arch. */
const TICKS_PER_S = 100;

/** utime + stime (ticks) from the text of /proc/<pid>/stat; null when it does not parse. */
export function processTicks(statText: string): number | null {
  // Field 2 (comm) is in parentheses and may hold spaces: count fields after its closing one.
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so utime (field 14) and stime (field 15) are rest[11] and rest[12].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** Busy ticks of the whole machine (all cores) from the text of /proc/stat: all but idle and iowait. */
export function machineBusyTicks(procStatText: string): number {
  const f = procStatText.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return user + nice + system + irq + softirq + steal;
}

export interface CpuSnapshot {
  atMs: number;
  machine: number;
  byName: Map<string, number>;
}

/** Ticks of each named pid and of the machine now (a pid that is gone is left out). */
export function cpuSnapshot(pids: Array<[name: string, pid: number | undefined]>): CpuSnapshot {
  const byName = new Map<string, number>();
  for (const [name, pid] of pids) {
    if (pid === undefined) continue;
    try {
      const t = processTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (t !== null) byName.set(name, t);
    } catch {
      // exited
    }
  }
  return { atMs: Date.now(), machine: machineBusyTicks(readFileSync('/proc/stat', 'utf8')), byName };
}

/**
 * Cores each process used between two snapshots, plus `rest`: what the machine spent elsewhere
 * (the Kafka broker, PostgreSQL, anything else running), and `machine`: all of it.
 */
export function coresBetween(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const s = (b.atMs - a.atMs) / 1000;
  const out: Record<string, number> = {};
  let ours = 0;
  for (const [name, t1] of b.byName) {
    const t0 = a.byName.get(name);
    if (t0 === undefined) continue;
    out[name] = round2((t1 - t0) / TICKS_PER_S / s);
    ours += t1 - t0;
  }
  const machine = (b.machine - a.machine) / TICKS_PER_S / s;
  out.rest = round2(Math.max(0, machine - ours / TICKS_PER_S / s));
  out.machine = round2(machine);
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
