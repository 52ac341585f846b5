import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/cli-process.ts';
import { nodeVersionProblem, SUPPORTED_NODE } from './node-version.js';

describe('supported Node versions', () => {
  it('package.json engines says what the start-up check enforces', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it('accepts 20.19 and later 20.x, refuses the rest naming the version to use', () => {
    for (const v of ['20.19.0', '20.20.2', '20.99.1']) expect(nodeVersionProblem(v)).toBeNull();
    for (const v of ['18.20.4', '20.18.3', '21.0.0', '22.11.0', '24.1.0']) {
      expect(nodeVersionProblem(v)).toMatch(
        new RegExp(`^skysentinel needs Node 20 .*this is Node ${v.replaceAll('.', '\\.')}\\.`),
      );
    }
    expect(nodeVersionProblem(process.versions.node)).toBeNull(); // the tests run on a supported Node
  });

  it('the uWebSockets.js package ships a Linux x64 binary for Node 20 (ABI 115) and none for 21+', () => {
    const binaries = readdirSync(join(REPO_ROOT, 'node_modules/uWebSockets.js/binaries'));
    expect(binaries).toContain('uws_linux_x64_115.node');
    const abis = binaries.map((b) => Number(/_(\d+)\.node$/.exec(b)?.[1]));
    expect(Math.max(...abis)).toBe(115); // Node 22 is ABI 127: a new binary means revisiting SUPPORTED_NODE
  });
});
