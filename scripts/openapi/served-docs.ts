import { systemClock } from '../../src/platform/clock';
import type { Database } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { createInternalAuth, type InternalAuth } from '../../src/platform/http/internal-auth';
import { createLocalFetch } from '../../src/platform/http/local-fetch';
import { silentLogger } from '../../src/platform/log';
import { call } from '../../test/kits/http';
import { createDiscoveryModule } from '../../src/modules/discovery/index';
import { createFriendModule, friendMigrationsFolder } from '../../src/modules/friend/index';
import { gatewayWorld } from '../../test/kits/gateway/world';
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation/index';
import { createUserModule, userMigrationsFolder } from '../../src/modules/user/index';
import { testMasterKey } from '../../test/kits/user-keys';

const INTERNAL_SECRET = 'openapi-docs-internal-secret-0123456789abcdef';

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
 * module behind it; each also as served with user authentication on (`-jwt`: bearer tokens at the
 * gateway, internal credentials at the modules, which add security schemes and 401/403).
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
  const moduleDatabases = {
    user: await open(userMigrationsFolder, 'user'),
    friend: await open(friendMigrationsFolder, 'friend'),
    recommendation: await open(recommendationMigrationsFolder, 'recommendation'),
  };
  // With user authentication on, each module requires internal credentials (and documents its 401).
  const build = (internalAuth: (service: string) => InternalAuth | undefined) => ({
    user: createUserModule({ masterKey: testMasterKey, database: moduleDatabases.user, bus, clock, log, internalAuth: internalAuth('user') }),
    friend: createFriendModule({ database: moduleDatabases.friend, bus, clock, log, fetch: offline.fetch, discoveryUrl: 'http://discovery.test', internalAuth: internalAuth('friend') }),
    recommendation: createRecommendationModule({ database: moduleDatabases.recommendation, bus, log, internalAuth: internalAuth('recommendation') }),
  });
  const openModules = build(() => undefined);
  const guarded = build((service) => createInternalAuth({ secret: INTERNAL_SECRET, service }));
  const discovery = createDiscoveryModule({ evictAfterMs: 60_000, clock, log, token: 'openapi-docs-discovery-token-0123456789' });
  const apps = { ...Object.fromEntries(Object.entries(openModules).map(([name, m]) => [name, m.app])), discovery: discovery.app };
  const docs: Record<string, any> = {};
  for (const [name, app] of Object.entries(apps)) docs[name] = (await call(app, 'GET', '/swagger/json')).body;
  rawApps = apps;

  const gateway = gatewayWorld(createDiscoveryModule);
  for (const [name, module] of Object.entries(openModules)) await gateway.register(name, `${name}-1`, module.app);
  docs.gateway = (await call(gateway.gateway.app, 'GET', '/swagger/json')).body;

  // The gateway reads the guarded modules' documents with its own credential, as in production.
  const gatewayJwt = gatewayWorld(createDiscoveryModule, {
    auth: { mode: 'jwt', secret: 'openapi-docs-jwt-secret-0123456789abcdef' },
    internalAuth: createInternalAuth({ secret: INTERNAL_SECRET, service: 'gateway' }),
  });
  for (const [name, module] of Object.entries(guarded)) {
    docs[`${name}-jwt`] = (await call(module.app, 'GET', '/swagger/json', undefined, await createInternalAuth({ secret: INTERNAL_SECRET, service: 'gateway' }).callHeaders(name))).body;
    await gatewayJwt.register(name, `${name}-1`, module.app);
  }
  docs['gateway-jwt'] = (await call(gatewayJwt.gateway.app, 'GET', '/swagger/json')).body;
  return { docs, close: async () => void (await Promise.all(databases.map((d) => d.close()))) };
}
