/** Default topic names and configs (contract section 2). Names are overridable by env (runtime/config). */
export const TOPIC_DEFAULTS = {
  state: { name: 'flights.state', partitions: 6, config: { 'cleanup.policy': 'compact' } },
  updates: {
    name: 'flights.updates',
    partitions: 6,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(24 * 3600_000) },
  },
  tracks: { name: 'flights.tracks', partitions: 6, config: { 'cleanup.policy': 'compact' } },
  anomalies: {
    name: 'flights.anomalies',
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600_000) },
  },
  dlq: {
    name: 'flights.dlq',
    partitions: 1,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600_000) },
  },
} as const;

export type TopicRole = keyof typeof TOPIC_DEFAULTS;
