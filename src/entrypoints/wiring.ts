/**
 * How each module is built from configuration, shared by `all-in-one.ts` and the one-module
 * entrypoints. Adapters are chosen here: PostgreSQL, Kafka and Neo4j when configured, embedded
 * defaults otherwise.
 *
 * Modules and adapters are imported when built, not up front: a process loads only the code it
 * runs. A gateway process never loads drizzle, PGlite or kafkajs, and a module on PostgreSQL never
 * loads PGlite; each of them costs megabytes of resident memory, in each of five processes.
 */
import { systemClock } from '../platform/clock';
import { adminAccessFor, ConfigError, internalAuthSecret, type Config } from '../platform/config';
import type { AdminAccess } from '../platform/http/admin-access';
import type { Database } from '../platform/db/database';
import type { EventBus } from '../platform/events/bus';
import { InProcessBus } from '../platform/events/in-process-bus';
import { namespaced } from '../platform/events/namespaced-bus';
import { createInternalAuth, type InternalAuth } from '../platform/http/internal-auth';
import { createLocalFetch, type LocalFetch } from '../platform/http/local-fetch';
import type { Logger } from '../platform/log';
import { Metrics } from '../platform/metrics/metrics';
import { RuntimeMetrics } from '../platform/metrics/runtime';
import { openModuleDatabase } from '../platform/runtime/database-choice';
import { healthUrl, isHealthProbe, probeHealth } from '../platform/runtime/health-probe';
import { hostModules, onShutdownSignal, type HostedModule } from '../platform/runtime/host';
import { untilReady } from '../platform/runtime/readiness';
import { startProcess } from '../platform/runtime/start';
import { startBanner } from './banner';
import { openSpanExport, type SpanExport } from '../platform/tracing/span-export';
import { discoveryTokenFor } from './discovery-token';
import { loadSettings, type Settings } from './settings';

export interface Wiring {
  config: Settings;
  log: Logger;
  bus: EventBus;
  localFetch: LocalFetch;
  /** Opened databases, closed after the modules stopped. */
  databases: Database[];
  /** Other connections (the Neo4j driver), closed after the modules stopped. */
  closers: (() => Promise<void>)[];
  /** The process's runtime metrics, shown on every module's `/metrics`. */
  runtime?: RuntimeMetrics;
  /** Span export (OTLP) when configured; each module's Metrics carries its sink. */
  spans?: SpanExport;
  /** Discovery's shared secret: configured, or made up for this start by the all-in-one (see discovery-token.ts). */
  discoveryToken?: string;
  /** Shared by the gateway and the modules with AUTH_MODE=jwt; unset with authentication off. */
  internalSecret?: string;
  /** Interface of the modules' and discovery's own ports when not the configured HOST (all-in-one). */
  modulesHost?: string;
  /** Who may use `/admin` on the modules' own ports. */
  admin: AdminAccess;
}

/** One registry per module (one port each, so nothing is scraped twice), sharing the process's runtime metrics. */
const metricsFor = (w: Wiring, service: string) => new Metrics({ service, runtime: (w.runtime ??= new RuntimeMetrics()), ...(w.spans ? { spans: w.spans.sinkFor(service) } : {}) });

const clock = systemClock;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** A module's side of the internal trust, only when user authentication is on. */
const internalAuthFor = (w: Wiring, service: string): { internalAuth?: InternalAuth } =>
  w.internalSecret ? { internalAuth: createInternalAuth({ secret: w.internalSecret, service, clock }) } : {};

/** Where a hosted module listens: its port (the variable is named when the port is taken), on the modules' host in the all-in-one. */
const listening = (w: Wiring, name: keyof Settings['ports'], register: boolean) => ({
  port: w.config.ports[name],
  portVariable: `${name.toUpperCase()}_PORT`,
  register,
  ...(w.modulesHost ? { host: w.modulesHost } : {}),
});

async function database(w: Wiring, owner: 'user' | 'friend' | 'recommendation', migrations: string) {
  const db = await openModuleDatabase(w.config, owner, migrations, w.log.child({ module: owner }));
  w.databases.push(db);
  return db;
}

/** Resolved before any module is built (see `run`); a module that talks to discovery cannot go without. */
function requiredToken(w: Wiring): string {
  if (!w.discoveryToken) throw new ConfigError('DISCOVERY_TOKEN is not set');
  return w.discoveryToken;
}

const relayOptions = (w: Wiring) => ({ paused: w.config.outboxRelayPaused });

export const discovery = async (w: Wiring): Promise<HostedModule> => {
  const { createDiscoveryModule } = await import('../modules/discovery');
  return {
    module: createDiscoveryModule({
      evictAfterMs: w.config.evictAfterMs,
      clock,
      log: w.log.child({ module: 'discovery' }),
      metrics: metricsFor(w, 'discovery'),
      token: requiredToken(w),
      maxInstancesPerService: w.config.discoveryMaxInstancesPerService,
    }),
    ...listening(w, 'discovery', false),
  };
};

/**
 * The master key of users' data keys: configured, or (embedded only) made in the data directory on
 * first start. A user service on PostgreSQL must be given one: a key made up here would be lost
 * with the container, and every name with it.
 */
async function userMasterKeys(w: Wiring) {
  const { importMasterKey, masterKeyTextInDataDir } = await import('../modules/user');
  const { masterKey, previousMasterKey } = w.config.user;
  if (!masterKey && w.config.databaseUrls.user) {
    throw new ConfigError('PII_MASTER_KEY is required when the user service keeps its data in PostgreSQL (USER_DATABASE_URL): `openssl rand -base64 32`, kept in a secret store');
  }
  return {
    masterKey: importMasterKey(
      masterKey ??
        masterKeyTextInDataDir(w.config.dataDir, (file) =>
          w.log.info('made the master key of users\' data keys; without it no name can be read again: back it up apart from the data, or set PII_MASTER_KEY', { file }),
        ),
    ),
    ...(previousMasterKey ? { previousMasterKey: importMasterKey(previousMasterKey, 'PII_PREVIOUS_MASTER_KEY') } : {}),
  };
}

export const user = async (w: Wiring): Promise<HostedModule> => {
  const { createUserModule, userMigrationsFolder } = await import('../modules/user');
  const keys = await userMasterKeys(w);
  return {
    module: createUserModule({ database: await database(w, 'user', userMigrationsFolder), bus: w.bus, clock, log: w.log.child({ module: 'user' }), relay: relayOptions(w), consistency: w.config.consistency, metrics: metricsFor(w, 'user'), ...internalAuthFor(w, 'user'), admin: w.admin, ...keys }),
    ...listening(w, 'user', true),
  };
};

export const friend = async (w: Wiring): Promise<HostedModule> => {
  const { createFriendModule, friendMigrationsFolder } = await import('../modules/friend');
  return {
    module: createFriendModule({
      database: await database(w, 'friend', friendMigrationsFolder),
      bus: w.bus,
      clock,
      log: w.log.child({ module: 'friend' }),
      relay: relayOptions(w),
      consistency: w.config.consistency,
      fetch: w.localFetch.fetch,
      discoveryUrl: w.config.discoveryUrl,
      discoveryToken: requiredToken(w),
      discoveryRefreshMs: w.config.discoveryRefreshMs,
      metrics: metricsFor(w, 'friend'),
      ...internalAuthFor(w, 'friend'),
      admin: w.admin,
    }),
    ...listening(w, 'friend', true),
  };
};

/**
 * The graph lives in Neo4j when NEO4J_URL is set, in memory (rebuilt from the log) otherwise. With
 * Neo4j, reads are answered from an in-memory replica fed by the shared log unless
 * RECOMMENDATION_READS=neo4j.
 */
export const recommendation = async (w: Wiring): Promise<HostedModule> => {
  const { createRecommendationModule, httpStreamSource, openNeo4jGraph, recommendationMigrationsFolder } = await import('../modules/recommendation');
  const log = w.log.child({ module: 'recommendation' });
  const graph = w.config.recommendation.neo4j ? await openNeo4jGraph(w.config.recommendation.neo4j, log) : undefined;
  if (graph) w.closers.push(() => graph.close());
  const db = await database(w, 'recommendation', recommendationMigrationsFolder);
  return {
    module: createRecommendationModule({
      database: db,
      bus: w.bus,
      clock,
      log,
      consistency: w.config.consistency,
      metrics: metricsFor(w, 'recommendation'),
      ...(graph ? { graph, readReplica: w.config.recommendation.reads === 'replica' } : {}),
      ...internalAuthFor(w, 'recommendation'),
      admin: w.admin,
      userService: { fetch: w.localFetch.fetch, discoveryUrl: w.config.discoveryUrl, discoveryToken: requiredToken(w), discoveryRefreshMs: w.config.discoveryRefreshMs },
      nameCacheSize: w.config.recommendation.nameCacheSize,
      auditSources: [
        httpStreamSource('user', 'user-', w.config.recommendation.auditSources.user, w.config.adminToken),
        httpStreamSource('friend', 'friendship-', w.config.recommendation.auditSources.friend, w.config.adminToken),
      ],
    }),
    ...listening(w, 'recommendation', true),
  };
};

export const gateway = async (w: Wiring): Promise<HostedModule> => {
  const { createGatewayModule } = await import('../modules/gateway');
  return {
    module: createGatewayModule({
      fetch: w.localFetch.fetch,
      discoveryUrl: w.config.discoveryUrl,
      ...(w.discoveryToken ? { discoveryToken: w.discoveryToken } : {}),
      upstreamTimeoutMs: w.config.gateway.upstreamTimeoutMs,
      refreshMs: w.config.discoveryRefreshMs,
      ...(w.config.gateway.upstreams ? { upstreams: w.config.gateway.upstreams } : {}),
      log: w.log.child({ module: 'gateway' }),
      metrics: metricsFor(w, 'gateway'),
      auth: w.config.gateway.auth,
      ...internalAuthFor(w, 'gateway'),
      protection: { ...w.config.gateway.protection, maxBodyBytes: w.config.maxRequestBodyBytes },
      ...(w.config.gateway.cors ? { cors: w.config.gateway.cors } : {}),
    }),
    port: w.config.ports.gateway,
    portVariable: 'GATEWAY_PORT',
    register: false,
  };
};

async function createBus(config: Config, log: Logger, clientId: string, needsSharedBus: boolean): Promise<EventBus> {
  if (config.kafka) {
    const { KafkaBus } = await import('../platform/events/kafka-bus');
    const { namespace, sessionTimeoutMs, ...kafka } = config.kafka;
    // Heart-beats at a tenth of the session, well under the third Kafka asks for.
    const consumer = { sessionTimeoutMs, heartbeatIntervalMs: Math.max(500, Math.floor(sessionTimeoutMs / 10)) };
    return namespaced(new KafkaBus({ ...kafka, consumer, clientId, log: log.child({ component: 'kafka' }) }), namespace ? `${namespace}.` : '');
  }
  if (needsSharedBus) {
    throw new ConfigError('this module exchanges events with other processes: set KAFKA_BROKERS (host:port,...)');
  }
  return new InProcessBus(log);
}

/**
 * Starts a process hosting `build`'s modules and stops it cleanly on SIGINT/SIGTERM.
 * `needsSharedBus`: a module alone in its process must reach the others' events through Kafka.
 * With `--health` it only probes an already running process's ports (the container HEALTHCHECK).
 */
export function run(name: string, needsSharedBus: boolean, build: (w: Wiring) => Promise<HostedModule[]>) {
  return startProcess(name, loadSettings, async (config, log) => {
    // One process: only the gateway faces the network; the others' ports are for operators on the machine.
    const oneProcess = name === 'all-in-one';
    const modulesHost = oneProcess ? config.modulesHost : undefined;
    if (isHealthProbe()) {
      const { gateway, ...others } = config.ports;
      const urls = oneProcess
        ? [healthUrl(config.host, gateway), ...Object.values(others).map((port) => healthUrl(config.modulesHost, port))]
        : [healthUrl(config.host, config.ports[name as keyof Settings['ports']])];
      process.exit((await probeHealth(urls)) ? 0 : 1);
    }
    // Before anything is opened: a missing secret is a configuration error, said in one line.
    const discoveryToken = discoveryTokenFor(name, config, log);
    // Discovery holds no credential-checked routes and needs no internal secret.
    const internalSecret = name === 'discovery' ? undefined : internalAuthSecret(config, oneProcess);
    const w: Wiring = {
      config,
      log,
      bus: await createBus(config, log, name, needsSharedBus),
      localFetch: createLocalFetch(),
      spans: await openSpanExport(config.tracing, log),
      databases: [],
      closers: [],
      ...(discoveryToken ? { discoveryToken } : {}),
      ...(internalSecret ? { internalSecret } : {}),
      ...(modulesHost ? { modulesHost } : {}),
      // Open without a token only when the modules' ports are reachable from this machine alone.
      admin: adminAccessFor(config, oneProcess && LOOPBACK.has(config.modulesHost)),
    };
    const closeAll = async () => {
      await w.bus.close();
      await Promise.all([...w.databases.map((db) => db.close()), ...w.closers.map((close) => close())]);
      // Last: the relays' and consumers' final spans are queued by now.
      await w.spans?.shutdown().catch((error) => log.warn('spans not all exported at shutdown', { error }));
    };
    let running;
    let hosted: HostedModule[] = [];
    try {
      hosted = await build(w);
      running = await hostModules(hosted, {
        host: config.host,
        advertisedHost: config.advertisedHost,
        discoveryUrl: config.discoveryUrl,
        ...(discoveryToken ? { discoveryToken } : {}),
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        maxRequestBodyBytes: config.maxRequestBodyBytes,
        localFetch: w.localFetch,
        log,
      });
    } catch (error) {
      await closeAll();
      throw error;
    }
    const shutdown = async () => {
      await running.stop();
      await closeAll();
    };
    onShutdownSignal(shutdown, log);
    // `ready` means every request can be served: the gateway waits until it sees an instance of
    // each module. The all-in-one's register at once, in-process; a bound (a few heartbeats, in
    // case one registration attempt failed) turns a fault into a clear exit instead of a hang.
    // A lone gateway's modules may start later than it does: it waits on, and says for what.
    const allInOne = name === 'all-in-one';
    try {
      await untilReady(hosted.map(({ module }) => module), {
        log,
        warnEveryMs: 5_000,
        ...(allInOne ? { giveUpAfterMs: Math.max(10_000, 3 * config.heartbeatIntervalMs) } : {}),
      });
    } catch (error) {
      await shutdown();
      throw error;
    }
    log.info('ready', { urls: running.urls });
    const banner = config.logOutput.format === 'pretty' ? startBanner(running.urls, config.logOutput.color) : undefined;
    if (banner) process.stdout.write(banner);
  });
}
