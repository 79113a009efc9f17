import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TopicProvisioner } from '../src/platform/events/kafka-topics';
import { createLogger } from '../src/platform/log';
const [topicsArg, group] = process.argv.slice(2);
const topics = topicsArg!.split(',');
const kafka = new Kafka({ clientId: group!, brokers: [process.env.KAFKA_BROKERS!], logLevel: logLevel.NOTHING });
const prov = new TopicProvisioner(kafka, { partitions: 6, replicationFactor: 1, config: {} }, createLogger({}, 'error', () => {}));
let step = '';
const consumer = kafka.consumer({ groupId: group!, allowAutoTopicCreation: false });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
try {
  step = 'ensure'; await prov.ensure(topics.flatMap((t) => [t, `${t}.dlq`]));
  step = 'producer.connect'; await producer.connect();
  step = 'consumer.connect'; await consumer.connect();
  step = 'consumer.subscribe'; await consumer.subscribe({ topics, fromBeginning: true });
  step = 'consumer.run'; await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
  console.log('OK');
} catch (e: any) {
  console.log('FAIL at', step, e.type, e.message);
}
await consumer.disconnect().catch(() => {}); await producer.disconnect().catch(() => {});
process.exit(0);
