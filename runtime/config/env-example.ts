/** Renders .env.example and the README configuration table from the definitions (one source). */
import { VARS } from './definitions.ts';

export function renderEnvExample(): string {
  const lines = [
    '# SkySentinel configuration. Every variable with its default; generated from',
    '# runtime/config/definitions.ts by `npm run config:docs`. Copy to .env to override.',
    '',
  ];
  for (const v of VARS) lines.push(`# ${v.help}`, `${v.name}=${v.default}`, '');
  return lines.join('\n');
}

export function renderConfigTable(): string {
  const rows = VARS.map(
    (v) => `| \`${v.name}\` | ${v.default === '' ? '(empty)' : `\`${v.default}\``} | ${v.help} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
