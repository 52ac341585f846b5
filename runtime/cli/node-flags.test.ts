import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from './node-flags.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const flags = SERVICE_NODE_FLAGS.join(' ');

describe('the service runs with the same V8 flags wherever it starts', () => {
  it('the skysentinel command (its shebang)', () => {
    expect(read('runtime/cli/bin.js').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });

  it('npm start and npm run bench:actors', () => {
    const scripts = JSON.parse(read('package.json')).scripts;
    expect(scripts.start).toBe(`sh runtime/deploy/raise-nofile.sh node ${flags} runtime/cli/bin.js run`);
    expect(scripts['bench:actors']).toBe(`tsx --expose-gc ${flags} actors/actors.bench.ts`);
  });

  it('the container image', () => {
    const entrypoint = read('Dockerfile')
      .split('\n')
      .find((l) => l.startsWith('ENTRYPOINT'));
    expect(entrypoint).toBe(
      `ENTRYPOINT [${['/bin/sh', 'runtime/deploy/raise-nofile.sh', 'node', ...SERVICE_NODE_FLAGS, 'runtime/cli/bin.js'].map((a) => `"${a}"`).join(', ')}]`,
    );
  });

  it('compose.yaml, where it starts the command itself', () => {
    const starts = read('compose.yaml')
      .split('\n')
      .filter((l) => l.includes('runtime/cli/bin.js'));
    expect(starts.length).toBeGreaterThan(0);
    for (const line of starts) expect(line).toContain(`node ${flags} runtime/cli/bin.js`);
  });

  it('the flag is one node accepts', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [...SERVICE_NODE_FLAGS, '-e', 'console.log("ok")'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('ok');
  });
});
