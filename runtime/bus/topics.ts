import type { Config } from '../config/config.ts';
import { TOPIC_DEFAULTS, type TopicRole } from '../contract/topics.ts';
import type { TopicSpec } from './bus.ts';

type TopicNames = Pick<
  Config,
  'TOPIC_STATE' | 'TOPIC_UPDATES' | 'TOPIC_TRACKS' | 'TOPIC_ANOMALIES' | 'TOPIC_DLQ'
>;

const ENV_OF: Record<TopicRole, keyof TopicNames> = {
  state: 'TOPIC_STATE',
  updates: 'TOPIC_UPDATES',
  tracks: 'TOPIC_TRACKS',
  anomalies: 'TOPIC_ANOMALIES',
  dlq: 'TOPIC_DLQ',
};

/** The contract's topics (section 2) with their configs, named as configured (TOPIC_*). */
export function topicSpecs(config: TopicNames): Record<TopicRole, TopicSpec> {
  const out = {} as Record<TopicRole, TopicSpec>;
  for (const role of Object.keys(TOPIC_DEFAULTS) as TopicRole[]) {
    const d = TOPIC_DEFAULTS[role];
    out[role] = { name: config[ENV_OF[role]], partitions: d.partitions, config: { ...d.config } };
  }
  return out;
}
