import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code, no servers, fast), `integration` (real Kafka and
// PostGIS started by runtime/services/*.sh), `e2e` (real edge + headless Chromium).
//
// Anything that settles over time is polled, never read once. expect.poll() gives up after 1 s by
// default, too little for a page on a loaded 2-core machine with a software GPU: the servers'
// projects poll for up to 20 s (an assertion that holds returns at once, so this costs nothing).
const SETTLE = { poll: { timeout: 20_000, interval: 100 } };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{runtime,actors,sinks,edge,ui,fixtures,sql}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.e2e.test.ts'],
          // Property tests run thousands of cases: generous on a loaded 2-core machine (the kafkajs
          // produce-request property took 32 s with the machine at load 15; ~3 s when idle). A
          // time-out only catches a hang: it must never fail a slow but correct run.
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{runtime,actors,sinks,edge,ui,fixtures,sql}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          expect: SETTLE,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['{runtime,edge,ui}/**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          expect: SETTLE,
        },
      },
    ],
  },
});
