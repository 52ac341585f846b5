/** npm run config:docs: rewrites .env.example and the README's configuration table from definitions.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigTable, renderEnvExample } from './env-example.ts';

export const README_BEGIN = '<!-- config-table:begin -->';
export const README_END = '<!-- config-table:end -->';

export function withConfigTable(readme: string): string {
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the ${README_BEGIN} ... ${README_END} markers`);
  return `${readme.slice(0, start + README_BEGIN.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

const root = join(import.meta.dirname, '../..');
if (process.argv[1]?.endsWith('write-docs.ts')) {
  writeFileSync(join(root, '.env.example'), renderEnvExample());
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, withConfigTable(readFileSync(readmePath, 'utf8')));
  console.log('wrote .env.example and the README configuration table');
}
