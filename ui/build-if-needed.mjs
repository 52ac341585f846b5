// npm's `prepare` (runs on `npm ci` / `npm install`): builds the globe into ui/dist so that the
// first `npm start` serves it at once. Skipped where vite is not installed (production installs).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const vite = new URL('../node_modules/.bin/vite', import.meta.url).pathname;
if (!existsSync(vite) || !existsSync(new URL('./vite.config.ts', import.meta.url))) {
  console.log('ui: vite or the UI sources are not here; not building ui/dist');
  process.exit(0);
}
const r = spawnSync(vite, ['build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], {
  cwd: new URL('..', import.meta.url).pathname,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
