/**
 * Every environment variable SkySentinel reads (contract section 10), with its default, what it
 * takes and why. `.env.example` and the README's configuration table are generated from this list
 * (npm run config:docs) and a test checks they still match.
 */
export type VarKind =
  | { kind: 'string' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bbox' }
  | { kind: 'url'; protocols: readonly string[]; optional: true }
  | { kind: 'brokers' }
  | { kind: 'hostport'; optional: true }
  | { kind: 'timezone' }
  | { kind: 'origins' };

export interface VarDef {
  name: string;
  default: string;
  type: VarKind;
  help: string;
}

const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;

export const VARS = [
  {
    name: 'KAFKA_BROKERS',
    default: '',
    type: { kind: 'brokers' },
    help: 'Comma-separated host:port list; empty runs the embedded in-process bus',
  },
  { name: 'KAFKA_CLIENT_ID', default: 'skysentinel', type: { kind: 'string' }, help: 'Kafka client id' },
  {
    name: 'KAFKA_GROUP_ID',
    default: 'skysentinel-processor',
    type: { kind: 'string' },
    help: 'Consumer group of the processors',
  },
  {
    name: 'TOPIC_STATE',
    default: 'flights.state',
    type: { kind: 'string' },
    help: 'Compacted latest state per aircraft',
  },
  {
    name: 'TOPIC_UPDATES',
    default: 'flights.updates',
    type: { kind: 'string' },
    help: 'Every state, append-only (24 h)',
  },
  {
    name: 'TOPIC_TRACKS',
    default: 'flights.tracks',
    type: { kind: 'string' },
    help: 'Smoothed tracks, compacted, tombstone on leave',
  },
  {
    name: 'TOPIC_ANOMALIES',
    default: 'flights.anomalies',
    type: { kind: 'string' },
    help: 'AnomalyEvent stream (7 d)',
  },
  {
    name: 'TOPIC_DLQ',
    default: 'flights.dlq',
    type: { kind: 'string' },
    help: 'Rejected messages with the reason (7 d)',
  },
  {
    name: 'DATABASE_URL',
    default: '',
    type: { kind: 'url', protocols: ['postgres:', 'postgresql:'], optional: true },
    help: 'PostGIS connection; empty disables the history sink',
  },
  {
    name: 'HTTP_HOST',
    default: '127.0.0.1',
    type: { kind: 'string' },
    help: 'Edge bind address (compose sets 0.0.0.0)',
  },
  { name: 'HTTP_PORT', default: '8000', type: int(0, 65535), help: 'Edge HTTP and WebSocket port' },
  {
    name: 'EDGE_TOKEN',
    default: '',
    type: { kind: 'string' },
    help: 'When set, every route but /healthz needs it: Authorization: Bearer or ?token= for programs; browsers open /?token=... once (or type it in the page) and keep an HttpOnly cookie',
  },
  {
    name: 'EDGE_ALLOWED_ORIGINS',
    default: '',
    type: { kind: 'origins' },
    help: "Origins whose pages may open the WebSockets (comma-separated scheme://host[:port], or *); empty: the page's own (Origin host = Host header). Requests without Origin (programs) pass; others get 403",
  },
  { name: 'WS_TICK_HZ', default: '4', type: int(2, 5), help: 'Delta frames per second' },
  {
    name: 'WS_MAX_CLIENTS',
    default: '10000',
    type: int(1, 1_000_000),
    help: 'WebSocket clients served at once; more get 503 (a slow one holds at most ~0.5 MB). Capped at the open-file soft limit minus 512 (a warning says so)',
  },
  {
    name: 'STALE_AFTER_S',
    default: '60',
    type: int(5, 3600),
    help: 'An aircraft leaves the board after this long without an update',
  },
  {
    name: 'ACTOR_IDLE_S',
    default: '300',
    type: int(10, 86_400),
    help: 'An actor stops after this long without an update',
  },
  {
    name: 'WARMUP_S',
    default: '300',
    type: int(0, 86_400),
    help: 'On partition assignment, rebuild actor state from this far back',
  },
  {
    name: 'REPLAY_FILE',
    default: 'fixtures/opensky_nyc_sample.jsonl',
    type: { kind: 'string' },
    help: 'JSONL (plain or .gz) replayed by produce --mode replay and run',
  },
  {
    name: 'REPLAY_SPEED',
    default: '10',
    type: { kind: 'number', min: 0.1, max: 10_000 },
    help: 'Replay speed factor',
  },
  {
    name: 'REPLAY_LOOP',
    default: 'true',
    type: { kind: 'bool' },
    help: 'Start the replay again at the end of the file',
  },
  {
    name: 'SOURCE',
    default: 'replay',
    type: { kind: 'enum', values: ['replay', 'opensky', 'synthetic', 'sbs', 'readsb'] },
    help: 'What `run` (npm start) ingests: the REPLAY_FILE, live OpenSky, synthetic traffic, an SBS-1 receiver (SBS_ADDRESS) or a readsb aircraft.json (READSB_URL)',
  },
  {
    name: 'SBS_ADDRESS',
    default: '',
    type: { kind: 'hostport', optional: true },
    help: "host:port of a receiver's SBS-1 BaseStation output (dump1090/readsb port 30003); needed when SOURCE=sbs",
  },
  {
    name: 'SBS_TIME_ZONE',
    default: 'UTC',
    type: { kind: 'timezone' },
    help: 'Zone of the SBS date/time fields (the receiver writes its local time): UTC, local, +02:00 or an IANA name',
  },
  {
    name: 'READSB_URL',
    default: '',
    type: { kind: 'url', protocols: ['http:', 'https:'], optional: true },
    help: 'URL of a readsb/dump1090-fa/tar1090 aircraft.json; needed when SOURCE=readsb',
  },
  {
    name: 'READSB_POLL_MS',
    default: '1000',
    type: int(200, 60_000),
    help: 'aircraft.json polling interval',
  },
  {
    name: 'OPENSKY_CLIENT_ID',
    default: '',
    type: { kind: 'string' },
    help: 'OpenSky API client id (OAuth2 client credentials)',
  },
  { name: 'OPENSKY_CLIENT_SECRET', default: '', type: { kind: 'string' }, help: 'OpenSky API client secret' },
  {
    name: 'OPENSKY_BBOX',
    default: '-75.5,39.8,-72.0,41.6',
    type: { kind: 'bbox' },
    help: 'Live polling box w,s,e,n in degrees (default: New York area)',
  },
  { name: 'OPENSKY_POLL_S', default: '10', type: int(1, 3600), help: 'Live polling interval' },
  {
    name: 'OPENSKY_API_URL',
    default: 'https://opensky-network.org/api',
    type: { kind: 'url', protocols: ['http:', 'https:'], optional: true },
    help: 'OpenSky REST base',
  },
  {
    name: 'OPENSKY_TOKEN_URL',
    default: 'https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token',
    type: { kind: 'url', protocols: ['http:', 'https:'], optional: true },
    help: 'OpenSky OAuth2 token endpoint',
  },
  {
    name: 'SINK_BATCH_ROWS',
    default: '5000',
    type: int(1, 1_000_000),
    help: 'History rows per COPY batch (or SINK_FLUSH_MS, whichever first)',
  },
  {
    name: 'SINK_FLUSH_MS',
    default: '500',
    type: int(10, 60_000),
    help: 'Longest a history row waits before its batch is written',
  },
  {
    name: 'AIRPORTS_FILE',
    default: 'fixtures/airports.geojson',
    type: { kind: 'string' },
    help: 'GeoJSON airports (medium and large) used for heights above airports',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    type: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    help: 'pino log level',
  },
] as const satisfies readonly VarDef[];

export type VarName = (typeof VARS)[number]['name'];
