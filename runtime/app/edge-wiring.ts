import { existsSync } from 'node:fs';
import type pg from 'pg';
import { type Edge, type EdgeHistory, edgeOptionsFromConfig, startEdge } from '../../edge/index.ts';
import { DIST_DIR } from '../../ui/build.ts';
import type { Config } from '../config/config.ts';
import type { AnomalySink } from '../contract/ports.ts';
import { postgisEdgeHistory } from '../db/edge-history.ts';
import { PLAYBACK_PG_SETTINGS } from '../db/playback-queries.ts';
import { createPool } from '../db/pool.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

export const UI_DIR = `${DIST_DIR}/`;
export interface EdgeWiring {
  edge: Edge;
  pool: pg.Pool | null;
  /** The edge as an anomaly output of a local processor: anomaly frames + GET /anomalies. */
  anomalyOutput: AnomalySink;
}

/** Starts the edge from the configuration: PostGIS queries when DATABASE_URL is set, the built UI. */
export async function startConfiguredEdge(
  config: Config,
  metrics: Metrics,
  log: Logger,
  readiness: Record<string, () => boolean | Promise<boolean>>,
  /** Shown in /readyz beside the checks (filled in later by the caller, e.g. the feed's state). */
  status: Record<string, () => unknown> = {},
): Promise<EdgeWiring> {
  const pool = config.DATABASE_URL
    ? createPool(config.DATABASE_URL, { applicationName: 'skysentinel-edge', settings: PLAYBACK_PG_SETTINGS })
    : null;
  const history: EdgeHistory | undefined = pool ? postgisEdgeHistory(pool) : undefined;
  if (pool) {
    readiness.database = async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    };
  }
  if (!existsSync(`${UI_DIR}index.html`))
    log.warn({ uiDir: UI_DIR }, 'the UI is not built: run `npm run build:ui`');
  const edge = await startEdge({
    ...edgeOptionsFromConfig(config),
    metrics,
    history,
    uiDir: UI_DIR,
    readiness,
    status,
    log: log.child({ component: 'edge' }),
  });
  return {
    edge,
    pool,
    anomalyOutput: { emit: (e) => edge.publishAnomaly(e), durable: async () => {} },
  };
}
