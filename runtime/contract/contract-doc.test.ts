import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.ts';
import { ANOMALY_TYPES, AnomalyDetailsSchema } from './anomaly.ts';
import { FlightEnvelopeSchema } from './envelope.ts';
import { TOPIC_DEFAULTS } from './topics.ts';

// docs/contract.md states the contract in prose; this keeps it from falling behind the code on
// the names a reader looks up there.
const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/contract.md'), 'utf8');
const quoted = (name: string) => doc.includes(`\`${name}\``);

describe('docs/contract.md names what the code has', () => {
  it('every FlightEnvelope field and source, every anomaly type and details field, every topic', () => {
    const missing: string[] = [];
    for (const f of Object.keys(FlightEnvelopeSchema.properties))
      if (!doc.includes(`\`${f}\``) && !doc.includes(`${f}\`, \``)) missing.push(f);
    const sources = (FlightEnvelopeSchema.properties.source as { anyOf: Array<{ const: string }> }).anyOf.map(
      (x) => x.const,
    );
    for (const s of sources) if (!quoted(s)) missing.push(`source ${s}`);
    for (const t of ANOMALY_TYPES) if (!quoted(t)) missing.push(`type ${t}`);
    for (const d of Object.keys(AnomalyDetailsSchema.properties))
      if (!quoted(d)) missing.push(`details.${d}`);
    for (const t of Object.values(TOPIC_DEFAULTS)) if (!quoted(t.name)) missing.push(`topic ${t.name}`);
    expect(missing).toEqual([]);
  });

  it('every metric', async () => {
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((m) =>
      m.name.replace(/^skysentinel_/, ''),
    );
    expect(names.filter((n) => !quoted(n))).toEqual([]);
  });

  it('every HTTP route and WebSocket of the edge', () => {
    const server = readFileSync(join(root, 'edge/server.ts'), 'utf8');
    const routes = [...server.matchAll(/(?:route|app\.ws(?:<\w+>)?)\('([^']+)'/g)]
      .map((m) => m[1]!.replace(/:(\w+)/g, '{$1}'))
      .filter((r) => r !== '/*');
    expect(routes.length).toBeGreaterThan(8);
    expect(routes.filter((r) => !doc.includes(r))).toEqual([]);
  });
});
