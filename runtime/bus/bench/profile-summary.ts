/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function (with file:line) and the
 * share of samples, top N. Usage: tsx runtime/bus/bench/profile-summary.ts FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [N]');
const p = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const keyOf = (n: Node) => {
  const f = n.callFrame;
  const short = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '');
  return `${f.functionName || '(anon)'} ${short}:${f.lineNumber + 1}`;
};
const byFn = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const key = keyOf(byId.get(id)!);
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  total += us;
}
// Inclusive: a function's own samples plus its callees', counted once per stack (recursion-safe).
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = keyOf(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + us);
  }
}
const idle = [...byFn].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
console.log(
  `total ${(total / 1e6).toFixed(2)} s sampled, idle ${(idle / 1e6).toFixed(2)} s, busy ${((total - idle) / 1e6).toFixed(2)} s`,
);
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) {
  console.log(
    `${((us / (total - idle)) * 100).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
  );
}
console.log('-- inclusive');
for (const [k, us] of [...incl]
  .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(process.argv[4] ?? 40))) {
  console.log(
    `${((us / (total - idle)) * 100).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
  );
}
