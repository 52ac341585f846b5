import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code, no servers, fast), `integration` (real Kafka and
// PostGIS started by runtime/services/*.sh), `e2e` (real edge + headless Chromium).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{runtime,actors,sinks,edge,ui,fixtures,sql}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.e2e.test.ts'],
          // Property tests run thousands of cases: generous on a loaded 2-core machine.
          testTimeout: 30_000,
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
        },
      },
    ],
  },
});
