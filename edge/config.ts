import type { Config } from '../runtime/config/config.ts';
import type { EdgeOptions } from './server.ts';

/** The edge's part of the configuration (contract section 10) as startEdge options. */
export function edgeOptionsFromConfig(config: Config): EdgeOptions {
  return {
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    token: config.EDGE_TOKEN,
    allowedOrigins: config.EDGE_ALLOWED_ORIGINS,
    tickHz: config.WS_TICK_HZ,
    maxClients: config.WS_MAX_CLIENTS,
    staleAfterS: config.STALE_AFTER_S,
    airportsFile: config.AIRPORTS_FILE,
  };
}
