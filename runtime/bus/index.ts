import type { Config } from '../config/config.ts';
import type { Bus } from './bus.ts';
import { EmbeddedBus, type EmbeddedBusOptions } from './embedded/embedded-bus.ts';
import { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus.ts';

export * from './bus.ts';
export { EmbeddedBus } from './embedded/embedded-bus.ts';
export { KafkaBus } from './kafka/kafka-bus.ts';
export { topicSpecs } from './topics.ts';

/**
 * The bus the configuration asks for: Kafka when KAFKA_BROKERS is set, else a new in-process bus
 * (one process must share that one instance between its producer and its consumers).
 */
export function createBus(
  config: Pick<Config, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>,
  options: { embedded?: EmbeddedBusOptions; kafka?: Partial<KafkaBusOptions> } = {},
): Bus {
  if (config.KAFKA_BROKERS.length === 0) return new EmbeddedBus(options.embedded);
  return new KafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, ...options.kafka });
}
