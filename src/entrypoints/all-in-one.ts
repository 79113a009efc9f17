/**
 * Every module in one process on embedded defaults: PGlite data directories under DATA_DIR, the
 * in-process bus and the in-memory graph. Modules still reach each other only through events and
 * HTTP contracts; the local fetch just skips the socket.
 */
import { join } from 'node:path';
import { systemClock } from '../platform/clock';
import { openEmbeddedDatabase } from '../platform/db/embedded';
import type { Database } from '../platform/db/database';
import { InProcessBus } from '../platform/events/in-process-bus';
import { createLocalFetch } from '../platform/http/local-fetch';
import { hostModules, onShutdownSignal } from '../platform/runtime/host';
import { startProcess } from '../platform/runtime/start';
import { createDiscoveryModule } from '../modules/discovery';
import { createFriendModule, friendMigrationsFolder } from '../modules/friend';
import { createGatewayModule } from '../modules/gateway';
import { createRecommendationModule, recommendationMigrationsFolder } from '../modules/recommendation';
import { createUserModule, userMigrationsFolder } from '../modules/user';

await startProcess('all-in-one', async (config, log) => {
  const clock = systemClock;
  const localFetch = createLocalFetch();
  const bus = new InProcessBus(log);
  const open = (name: string, migrationsFolder: string) =>
    openEmbeddedDatabase({ dataDir: join(config.dataDir, name), migrationsFolder, label: `${name} data directory` });

  const databases: Database[] = [];
  const [userDb, friendDb, recommendationDb] = [
    await open('user', userMigrationsFolder),
    await open('friend', friendMigrationsFolder),
    await open('recommendation', recommendationMigrationsFolder),
  ].map((db) => (databases.push(db), db)) as [Database, Database, Database];
  const closeDatabases = () => Promise.all(databases.map((db) => db.close()));

  const forModule = (module: string) => log.child({ module });
  const discoveryUrl = config.discoveryUrl;
  const relay = { paused: config.outboxRelayPaused };
  const hosted = [
    { module: createDiscoveryModule({ evictAfterMs: config.evictAfterMs, clock, log: forModule('discovery') }), port: config.ports.discovery, register: false },
    { module: createUserModule({ database: userDb, bus, clock, log: forModule('user'), relay }), port: config.ports.user, register: true },
    {
      module: createFriendModule({ database: friendDb, bus, clock, log: forModule('friend'), relay, fetch: localFetch.fetch, discoveryUrl }),
      port: config.ports.friend,
      register: true,
    },
    { module: createRecommendationModule({ database: recommendationDb, bus, clock, log: forModule('recommendation') }), port: config.ports.recommendation, register: true },
    {
      module: createGatewayModule({
        fetch: localFetch.fetch,
        discoveryUrl,
        upstreamTimeoutMs: config.gatewayUpstreamTimeoutMs,
        refreshMs: config.gatewayRefreshMs,
        log: forModule('gateway'),
      }),
      port: config.ports.gateway,
      register: false,
    },
  ];

  const running = await hostModules(hosted, {
    host: config.host,
    advertisedHost: config.advertisedHost,
    discoveryUrl,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    localFetch,
    log,
  }).catch(async (error) => {
    await closeDatabases();
    throw error;
  });
  log.info('ready', { gateway: running.urls.gateway, dataDir: config.dataDir });
  onShutdownSignal(async () => {
    await running.stop();
    await bus.close();
    await closeDatabases();
  }, log);
});
