import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getJson, startCli, waitFor } from '../testing/cli-process.ts';

// `npm start` is what a newcomer runs: the embedded bus, the NYC fixture at 10x, the edge.
describe('npm start', () => {
  it('serves /flights with aircraft within seconds and stops cleanly on SIGTERM', async () => {
    const port = 18021;
    // The script `npm start` runs, started as npm would start it (npm itself does not forward
    // SIGTERM to its script, so a supervisor signals the script's process directly).
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.start).toBe(
      'sh runtime/deploy/raise-nofile.sh node --max-semi-space-size=64 runtime/cli/bin.js run',
    );
    const app = startCli([], { HTTP_PORT: String(port), DATABASE_URL: '', KAFKA_BROKERS: '' }, [
      'sh',
      '-c',
      `exec ${pkg.scripts.start}`,
    ]);
    const t0 = Date.now();
    try {
      const count = await waitFor(
        '/flights with aircraft',
        async () => {
          const body = await getJson<{ count: number }>(`http://127.0.0.1:${port}/flights`);
          return body.count > 0 ? body.count : undefined;
        },
        // Generous: on an idle machine it takes ~2 s (printed below); a pass/fail test must not
        // time a loaded CI machine.
        60_000,
        100,
      );
      expect(count).toBeGreaterThan(0);
      console.log(
        `npm start: ${count} aircraft on /flights ${((Date.now() - t0) / 1000).toFixed(1)} s after start`,
      );
      expect(app.output()).toContain(`open http://127.0.0.1:${port}/`);
    } finally {
      // Exit 0 means it finished inside its own shutdown deadline (9 s; past it, it exits non-zero).
      expect(await app.stop(30_000), app.output()).toBe(0);
      expect(app.output()).toMatch(/"code":0,"msg":"stopped"/);
      expect(app.output()).not.toMatch(/shutdown step failed/);
    }
  });
});
