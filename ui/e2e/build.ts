import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(UI_DIR, 'dist');
const REPO = join(UI_DIR, '..');

function newestMtimeMs(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtimeMs(join(path, e)));
  return m;
}

/** Builds ui/dist when it is missing or older than any UI source (what `npm run build:ui` does). */
export function ensureUiBuilt(): void {
  const index = join(DIST_DIR, 'index.html');
  const sources = [join(UI_DIR, 'src'), join(UI_DIR, 'index.html'), join(UI_DIR, 'vite.config.ts')];
  const stale = !existsSync(index) || Math.max(...sources.map(newestMtimeMs)) > statSync(index).mtimeMs;
  if (!stale) return;
  execFileSync('npx', ['vite', 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
}
