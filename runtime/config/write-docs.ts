/**
 * npm run config:docs: rewrites .env.example, the README's configuration table and the generated
 * tables of docs/contract.md (configuration, command line) from their one source each.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandTable } from '../cli/main.ts';
import { renderConfigTable, renderEnvExample } from './env-example.ts';

/** `text` with what stands between `<!-- NAME:begin -->` and `<!-- NAME:end -->` replaced by `body`. */
export function withBlock(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`the file lacks the ${begin} ... ${end} markers`);
  return `${text.slice(0, start + begin.length)}\n${body}\n${text.slice(stop)}`;
}

export const withConfigTable = (readme: string): string =>
  withBlock(readme, 'config-table', renderConfigTable());

/** docs/contract.md with its configuration and command tables regenerated. */
export async function withContractTables(contract: string): Promise<string> {
  return withBlock(withConfigTable(contract), 'cli-table', await commandTable());
}

const root = join(import.meta.dirname, '../..');
if (process.argv[1]?.endsWith('write-docs.ts')) {
  writeFileSync(join(root, '.env.example'), renderEnvExample());
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, withConfigTable(readFileSync(readmePath, 'utf8')));
  const contractPath = join(root, 'docs/contract.md');
  writeFileSync(contractPath, await withContractTables(readFileSync(contractPath, 'utf8')));
  console.log('wrote .env.example, the README configuration table and the tables of docs/contract.md');
}
