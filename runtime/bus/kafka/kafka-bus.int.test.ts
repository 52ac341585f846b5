import { describeBusContract } from '../bus-contract.ts';
import { KafkaBus } from './kafka-bus.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers)
  throw new Error('KAFKA_BROKERS is not set: run `source runtime/services/env.sh` and start Kafka');

describeBusContract(
  'kafka',
  async () => new KafkaBus({ brokers: brokers.split(','), clientId: 'bus-contract-test' }),
);
