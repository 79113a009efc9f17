import { systemClock } from '../../src/platform/clock';
import type { Database } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { createLocalFetch } from '../../src/platform/http/local-fetch';
import { silentLogger } from '../../src/platform/log';
import { call } from '../../src/platform/testing/http';
import { createDiscoveryModule } from '../../src/modules/discovery/index';
import { createFriendModule, friendMigrationsFolder } from '../../src/modules/friend/index';
import { gatewayWorld } from '../../src/modules/gateway/gateway-fixture';
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation/index';
import { createUserModule, userMigrationsFolder } from '../../src/modules/user/index';

let rawApps: Record<string, { handle(request: Request): Response | Promise<Response> }> = {};

/** What @elysiajs/swagger itself generates for the modules of the last `servedDocs`, before any repair. */
export async function servedRawDocs(_built: unknown): Promise<Record<string, any>> {
  const raw: Record<string, any> = {};
  for (const [name, app] of Object.entries(rawApps)) raw[name] = (await call(app, 'GET', '/swagger/raw')).body;
  return raw;
}

/**
 * Every OpenAPI document the system serves, read through `app.handle` from modules built on the
 * embedded adapters: each module's own `/swagger/json`, and the gateway's merged one with every
 * module behind it (once with bearer tokens required, which adds security schemes and 401/403).
 */
export async function servedDocs(): Promise<{ docs: Record<string, any>; close: () => Promise<void> }> {
  const databases: Database[] = [];
  const open = async (migrationsFolder: string, label: string) => {
    const database = await openEmbeddedDatabase({ migrationsFolder, label });
    databases.push(database);
    return database;
  };
  const bus = new InProcessBus();
  const log = silentLogger;
  const clock = systemClock;
  const offline = createLocalFetch(async () => {
    throw new Error('offline');
  });
  const modules = {
    user: createUserModule({ database: await open(userMigrationsFolder, 'user'), bus, clock, log }),
    friend: createFriendModule({ database: await open(friendMigrationsFolder, 'friend'), bus, clock, log, fetch: offline.fetch, discoveryUrl: 'http://discovery.test' }),
    recommendation: createRecommendationModule({ database: await open(recommendationMigrationsFolder, 'recommendation'), bus, log }),
  };
  const discovery = createDiscoveryModule({ evictAfterMs: 60_000, clock, log, token: 'openapi-docs-discovery-token-0123456789' });
  const apps = { ...Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, m.app])), discovery: discovery.app };
  const docs: Record<string, any> = {};
  for (const [name, app] of Object.entries(apps)) docs[name] = (await call(app, 'GET', '/swagger/json')).body;
  rawApps = apps;

  for (const [key, auth] of [['gateway', undefined], ['gateway-jwt', { mode: 'jwt', secret: 'openapi-docs-jwt-secret-0123456789abcdef' }]] as const) {
    const w = gatewayWorld(createDiscoveryModule, auth ? { auth } : {});
    for (const [name, module] of Object.entries(modules)) await w.register(name, `${name}-1`, module.app);
    docs[key] = (await call(w.gateway.app, 'GET', '/swagger/json')).body;
  }
  return { docs, close: async () => void (await Promise.all(databases.map((d) => d.close()))) };
}
