import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { describePipelineContract } from './pipeline-contract.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers)
  throw new Error('KAFKA_BROKERS is not set: run `source runtime/services/env.sh` and start Kafka');

describePipelineContract(
  'kafka',
  async () => new KafkaBus({ brokers: brokers.split(','), clientId: 'pipeline-test' }),
);
