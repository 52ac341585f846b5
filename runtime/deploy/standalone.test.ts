import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f !== '');
const text = (f: string): string | null => {
  try {
    const s = readFileSync(join(root, f), 'utf8');
    return s.includes('\0') ? null : s;
  } catch {
    return null; // deleted in the work tree
  }
};

describe('the repository stands alone', () => {
  it('no tracked file points at a path outside the repository', () => {
    // Built from parts so this file does not match itself.
    const outside = new RegExp(`(\\.\\./${'shared'}/|/${'work'}/)`);
    const hits = tracked.filter((f) => outside.test(text(f) ?? ''));
    expect(hits).toEqual([]);
  });

  it('the UI imports nothing from edge/: it depends on the protocol in runtime/contract/', () => {
    const fromEdge = /from\s+['"][^'"]*\/edge\//;
    const hits = tracked.filter(
      (f) => f.startsWith('ui/') && /\.(ts|tsx|mjs)$/.test(f) && fromEdge.test(text(f) ?? ''),
    );
    expect(hits).toEqual([]);
  });
});
