import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DIST_DIR = join(UI_DIR, 'dist');
const REPO = join(UI_DIR, '..');
const SOURCES = [join(UI_DIR, 'src'), join(UI_DIR, 'index.html'), join(UI_DIR, 'vite.config.ts')];

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0; // a production image ships ui/dist without the sources
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtimeMs(join(path, e)));
  return m;
}

/** ui/dist is 'missing', 'stale' (older than a UI source) or 'fresh'. */
export function uiBuildState(): 'missing' | 'stale' | 'fresh' {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return 'missing';
  return Math.max(...SOURCES.map(newestMtimeMs)) > statSync(index).mtimeMs ? 'stale' : 'fresh';
}

/**
 * Builds ui/dist (what `npm run build:ui` does) when it is missing or stale and vite is installed.
 * Returns whether a usable build is there afterwards.
 */
export function ensureUiBuilt(say: (message: string) => void = () => {}): boolean {
  const state = uiBuildState();
  if (state === 'fresh') return true;
  if (!existsSync(join(REPO, 'node_modules/.bin/vite'))) {
    say(`ui/dist is ${state} and vite is not installed (npm ci installs it)`);
    return state === 'stale';
  }
  say(`building the UI (ui/dist is ${state})...`);
  execFileSync(
    join(REPO, 'node_modules/.bin/vite'),
    ['build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: REPO,
      stdio: 'inherit',
    },
  );
  return true;
}
