/**
 * The recommendation consumer's own rate: events handed to the module as the in-process bus hands
 * them over (both topics at once, batches of `batch` events), each acknowledged only once logged
 * in its PGlite log and applied to the in-memory graph, as in the all-in-one. No HTTP, no command
 * side: this is what the projection can apply, to set beside what the commands can produce.
 * Prints JSON: { applyPerSec, batch, events, seconds }.
 *
 *   bun bench/workers/projection-apply.ts '{"events":20000,"batch":16}'
 */
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { FRIEND_EVENTS_TOPIC } from '../../src/modules/friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../src/modules/user/contracts/events';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { silentLogger } from '../../src/platform/log';
import { mulberry32 } from '../../scripts/lib/random';
import { friendship, userCreated } from '../lib/envelopes';

const { events, batch }: { events: number; batch: number } = JSON.parse(process.argv[2]!);
const USERS = 2000;

const database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
const bus = new InProcessBus();
const module = createRecommendationModule({ database, bus, log: silentLogger });
await module.connect();
for (let id = 1; id <= USERS; id += 500) await bus.publish(USER_EVENTS_TOPIC, Array.from({ length: 500 }, (_, i) => userCreated(id + i)));

// Distinct random pairs, built before the clock starts.
const seen = new Set<number>();
const pairs: [number, number][] = [];
const random = mulberry32(7);
while (pairs.length < events) {
  const a = 1 + Math.floor(random() * USERS);
  const b = 1 + Math.floor(random() * USERS);
  if (a === b || seen.has(a * USERS + b) || seen.has(b * USERS + a)) continue;
  seen.add(a * USERS + b);
  pairs.push([a, b]);
}
const batches = [];
for (let i = 0; i < pairs.length; i += batch) batches.push(pairs.slice(i, i + batch).map(([a, b], k) => friendship(a, b, 1, true, i + k + 1)));

// One chain per topic, as the relays of the user and friend services publish: a user update
// every tenth batch rides beside the friendships, as in a mixed load.
const started = performance.now();
let updates = 0;
await Promise.all([
  (async () => {
    for (const b of batches) await bus.publish(FRIEND_EVENTS_TOPIC, b);
  })(),
  (async () => {
    for (let i = 0; i < batches.length; i += 10) {
      await bus.publish(USER_EVENTS_TOPIC, [{ ...userCreated(1 + (i % USERS)), type: 'UserUpdated', streamVersion: 2 + i }]);
      updates++;
    }
  })(),
]);
const seconds = (performance.now() - started) / 1000;
const stats = module.stats();
if (stats.stored !== USERS + events + updates) throw new Error(`stored ${stats.stored} events, expected ${USERS + events + updates}`);
console.log(JSON.stringify({ applyPerSec: Math.round((events + updates) / seconds), batch, events: events + updates, seconds: Number(seconds.toFixed(2)) }));
await module.stop();
await bus.close();
await database.close();
