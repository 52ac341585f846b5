/** Writes the contract's JSON Schemas to docs/schemas/ (npm run schemas). One definition: the TypeBox schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemas } from './validate.ts';

export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const doc = { $schema: 'http://json-schema.org/draft-07/schema#', title: name, ...schema };
    out[`${name}.schema.json`] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../docs/schemas');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(renderSchemas())) writeFileSync(join(dir, file), text);
  console.log(`wrote ${Object.keys(schemas).length} schemas to docs/schemas/`);
}
