import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * docs/reliability.md is written by several runs and people: each owns the text between its
 * `<!-- name:begin -->` and `<!-- name:end -->` markers and replaces only that, under the shared
 * lock, re-reading the file right before the edit.
 */
export const RELIABILITY_DOC = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url));
export const SHARED_LOCK = '/tmp/skysentinel-shared.lock';

const INTRO = `# Reliability

How SkySentinel behaves under faults, hostile input and sustained load, with the figures of the
latest runs. Each section is written by its own test or run (between its markers).
`;

/** Returns `doc` with the text between the markers of `name` replaced (appended when missing). */
export function replaceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

/** Replaces one section of docs/reliability.md under the shared lock (creating the file if missing). */
export function writeSection(name: string, body: string, file = RELIABILITY_DOC): void {
  const script = `
    const fs = require('node:fs');
    const [file, intro, name, body] = process.argv.slice(1);
    const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : intro;
    fs.writeFileSync(file, (${replaceSection.toString()})(doc, name, body));
  `;
  const r = spawnSync('flock', [SHARED_LOCK, process.execPath, '-e', script, file, INTRO, name, body], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`writing ${name} to ${file} failed: ${r.stderr || r.error}`);
}
