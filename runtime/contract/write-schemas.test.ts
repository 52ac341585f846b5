import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from './write-schemas.ts';

describe('docs/schemas', () => {
  it('are up to date with the TypeBox definitions (run `npm run schemas`)', () => {
    for (const [file, text] of Object.entries(renderSchemas())) {
      expect(readFileSync(join(import.meta.dirname, '../../docs/schemas', file), 'utf8')).toBe(text);
    }
  });
});
