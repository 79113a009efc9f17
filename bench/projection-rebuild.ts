/**
 * `bun bench/projection-rebuild.ts [events]`: projection.rebuildEventsPerSec, the online rebuild
 * of the in-memory graph from an embedded (PGlite) log, through the module's own rebuild: the
 * replay loop that start-up and audits use too. Prints one JSON line.
 */
import { openEmbeddedDatabase } from '../src/platform/db/embedded';
import { InProcessBus } from '../src/platform/events/in-process-bus';
import { silentLogger } from '../src/platform/log';
import { FRIEND_EVENTS_TOPIC } from '../src/modules/friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../src/modules/user/contracts/events';
import { createRecommendationModule, recommendationMigrationsFolder } from '../src/modules/recommendation';
import { eventFactory } from '../test/kits/recommendation/events';

const events = Number(Bun.argv[2] ?? 100_000);
const users = Math.max(10, Math.round(events / 6));
const database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
const bus = new InProcessBus();
const module = createRecommendationModule({ database, bus, log: silentLogger, admin: { openWithoutToken: true } });
await module.connect();
const e = eventFactory();
process.stderr.write(`loading ${users} users and ${events - users} friendships into the log...\n`);
for (let i = 0; i < users; i += 1000) await bus.publish(USER_EVENTS_TOPIC, Array.from({ length: Math.min(1000, users - i) }, (_, k) => e.userCreated(i + k + 1)));
const edges = events - users;
for (let i = 0; i < edges; i += 1000) {
  const batch = [];
  for (let k = i; k < Math.min(edges, i + 1000); k++) {
    const a = (k % users) + 1;
    const step = 1 + Math.floor(k / users);
    batch.push(e.friendAdded(a, ((a - 1 + step) % users) + 1));
  }
  await bus.publish(FRIEND_EVENTS_TOPIC, batch);
}
const started = performance.now();
const { events: replayed } = await module.rebuild();
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ 'projection.rebuildEventsPerSec': Math.round(replayed / seconds), events: replayed, seconds: Number(seconds.toFixed(2)), graph: 'memory', log: 'pglite' }));
await module.stop();
await bus.close();
await database.close();
