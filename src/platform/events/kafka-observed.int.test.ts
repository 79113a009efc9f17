import { afterAll, describe, expect, test } from 'bun:test';
import { silentLogger } from '../log';
import { parseExposition, sumOf } from '../metrics/exposition';
import { Metrics } from '../metrics/metrics';
import { eventually } from '../../../test/kits/processes';
import { streamEvents } from '../../../test/conformance/event-bus';
import { KafkaBus } from './kafka-bus';
import { kafkaTestKit } from '../../../test/kits/kafka';
import { subscribeObserved } from './observed-subscription';

// Needs a real broker: `bun run infra:up && source .infra/env` sets KAFKA_BROKERS.
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
const skipReason = brokers.length ? undefined : 'KAFKA_BROKERS not set';
if (skipReason) console.warn('kafka-observed.int.test.ts: KAFKA_BROKERS not set, skipping (`bun run infra:up && source .infra/env` to run)');
const kit = kafkaTestKit(brokers);

afterAll(async () => {
  if (!skipReason) await kit.cleanUp();
}, 30_000);

describe.skipIf(skipReason !== undefined)(`metrics of a Kafka consumer${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  test('consumer lag per partition counts what the group has not committed, read on scrape', async () => {
    const bus = new KafkaBus(kit.options());
    try {
      const topic = kit.unique('lag');
      const events = [...streamEvents('a-1', 4), ...streamEvents('b-2', 3), ...streamEvents('c-3', 5)];
      await bus.publish(topic, events);
      // A group that never consumed lags by everything.
      expect((await bus.consumerLag('nobody-yet', [topic])).reduce((n, p) => n + p.lag, 0)).toBe(12);

      const metrics = new Metrics({ service: 'probe' });
      let applied = 0;
      await subscribeObserved(bus, { group: kit.unique('group'), topics: [topic], handle: async (_t, batch) => void (applied += batch.length) }, { metrics, log: silentLogger });
      await eventually('all events applied', async () => applied >= 12, 20_000);
      // Every partition reported (a slow admin answer leaves the gauge empty for that scrape), all at 0.
      const lagged = async () => parseExposition(await metrics.text()).filter((x) => x.name === 'kafka_consumer_lag');
      await eventually('lag down to 0 once committed', async () => {
        const partitions = await lagged();
        return partitions.length === 3 && partitions.every((p) => p.value === 0);
      }, 30_000);
      const s = parseExposition(await metrics.text());
      expect(s.filter((x) => x.name === 'kafka_consumer_lag').map((x) => x.labels.partition).sort()).toEqual(['0', '1', '2']);
      expect(sumOf(s, 'events_consumed_total')).toBe(12);
      expect(sumOf(s, 'projection_lag_seconds_count')).toBe(12);
    } finally {
      await bus.close();
    }
  }, 60_000);
});
