/** Rewrites the defaults table in docs/actors.md from actors/defaults.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withTable } from './defaults-table.ts';

const path = new URL('../docs/actors.md', import.meta.url);
writeFileSync(path, withTable(readFileSync(path, 'utf8')));
console.log('docs/actors.md: defaults table rewritten');
