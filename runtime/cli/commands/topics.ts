import { createBus, topicSpecs } from '../../bus/index.ts';
import { loadConfig } from '../../config/config.ts';
import { parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';

export const summary = 'create the topics (flights.state compacted, retention on the others), idempotently';

export const usage = `Usage: skysentinel topics

Creates the contract's topics on KAFKA_BROKERS with their configs: flights.state and flights.tracks
compacted, flights.updates 24 h retention, flights.anomalies and flights.dlq 7 d (names from
TOPIC_*). Topics that exist are left alone, so it is safe to run any number of times. Prints each
topic with its partitions and cleanup.policy as read back from the broker.

Exit codes: 0 done, 1 broker unreachable, 78 bad configuration.`;

export async function run(args: string[]): Promise<number> {
  parseFlags(args, {});
  const config = loadConfig(process.env);
  if (config.KAFKA_BROKERS.length === 0) {
    console.log('KAFKA_BROKERS is empty: the embedded bus creates its topics in-process; nothing to do.');
    return EXIT.OK;
  }
  const bus = createBus(config, { kafka: { logLevel: 'error' } });
  try {
    const specs = Object.values(topicSpecs(config));
    const created = new Set(await bus.ensureTopics(specs));
    for (const s of specs) {
      const d = await bus.describeTopic(s.name);
      const policy = d?.config['cleanup.policy'] ?? 'delete';
      const retention = d?.config['retention.ms'];
      console.log(
        `${created.has(s.name) ? 'created ' : 'exists  '} ${s.name.padEnd(20)} partitions=${d?.partitions} cleanup.policy=${policy}${retention ? ` retention.ms=${retention}` : ''}`,
      );
    }
    return EXIT.OK;
  } catch (e) {
    console.error(
      `skysentinel topics: ${(e as Error).message} (KAFKA_BROKERS=${config.KAFKA_BROKERS.join(',')})`,
    );
    return EXIT.FAILURE;
  } finally {
    await bus.close().catch(() => {});
  }
}
