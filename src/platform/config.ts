import type { ConsistencyOptions } from './consistency/options';
import { ConfigError, fraction, integer, oneOf, pemFile, text, url, type Env } from './config-readers';

export { ConfigError };

/**
 * The settings every process shares: where it listens, its data, engines, logs, traces, discovery
 * and authentication. A module's own settings are declared in the module (its settings.ts) with the
 * same readers (config-readers.ts); the entrypoints' wiring composes them. A bad value stops
 * start-up with a message that names the variable. Modules receive plain typed values, never
 * `process.env`.
 */
export interface Config {
  dataDir: string;
  /** Interface the HTTP servers bind to; in the all-in-one only the gateway's. */
  host: string;
  /**
   * All-in-one only: interface the modules' and discovery's own ports bind to. Loopback by default,
   * so the gateway is the one way in from the network.
   */
  modulesHost: string;
  /** Host name other processes use to reach this one (registered in discovery). */
  advertisedHost: string;
  heartbeatIntervalMs: number;
  /** An instance that has not sent a heartbeat for this long is evicted. */
  evictAfterMs: number;
  /** How often discovery's clients (the gateway, friend's look-ups of user) refresh their view of live instances (GATEWAY_REFRESH_MS). */
  discoveryRefreshMs: number;
  maxRequestBodyBytes: number;
  /**
   * Opt-in authentication: its mode, which decides whether modules demand internal credentials.
   * How the gateway verifies user tokens (AUTH_JWT_*, AUTH_JWKS_URL) is the gateway's setting.
   */
  auth: { mode: 'off' | 'jwt' };
  /**
   * With AUTH_MODE=jwt: the secret the gateway and the modules share to sign and verify internal
   * credentials. Unset in the all-in-one, one is made per start (see internalAuthSecret).
   */
  internalAuthSecret?: string;
  /** Bearer token for `/admin` on the modules' own ports (ADMIN_TOKEN); see adminAccessFor. */
  adminToken?: string;
  /** Keep committed events in the outbox instead of publishing them (maintenance, tests). */
  outboxRelayPaused: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `pretty` (human lines) or `json` (one object per line); colour only for pretty lines on a terminal. */
  logOutput: { format: 'pretty' | 'json'; color: boolean };
  /** Distributed mode: set, each of these replaces an embedded default. */
  kafka?: {
    brokers: string[];
    topicPartitions: number;
    replicationFactor: number;
    namespace: string;
    /**
     * How long the group waits for a silent member before handing its partitions to others. It also
     * bounds how long a process restarted after a crash waits to rejoin, so it is kept short.
     */
    sessionTimeoutMs: number;
    /** TLS to the brokers (KAFKA_SSL); `ca` (PEM) replaces the system's authorities when set. */
    ssl?: { ca?: string; rejectUnauthorized: boolean };
    /** SASL authentication (KAFKA_SASL_MECHANISM); over plaintext unless `ssl` is set too. */
    sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  };
  /**
   * Shared secret every caller of discovery presents (`Authorization: Bearer ...`). Unset: the
   * all-in-one makes one up per start; a one-module process refuses to start (see wiring).
   */
  discoveryToken?: string;
  /** Live instances one service may have in discovery; a runaway or rogue registrant cannot crowd out the rest. */
  discoveryMaxInstancesPerService: number;
  databaseUrls: { user?: string; friend?: string; recommendation?: string };
  /**
   * PEM of the authority that signed the PostgreSQL servers' certificates (DATABASE_SSL_CA_FILE),
   * for `sslmode=verify-full` (or verify-ca) against a private CA; the system's authorities otherwise.
   */
  databaseSslCa?: string;
  databasePoolSize: number;
  /**
   * How long opening a PostgreSQL connection may take before the query waiting for it fails. An
   * unreachable database then answers 503 within this bound instead of holding requests open.
   */
  databaseConnectTimeoutMs: number;
  /** Span export over OTLP/HTTP; unset: no span leaves the process (ids still reach the logs). */
  tracing?: { endpoint: string; serviceName?: string; sampleRatio: number };
}

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** libpq's values; postgres.js reads `sslmode` from the URL (see db/postgres-tls.ts). */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must be a postgres:// URL, got protocol "${parsed.protocol}"`);
  }
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    throw new ConfigError(`${name} has sslmode=${sslmode}; it must be one of ${SSL_MODES.join(', ')}`);
  }
  return raw;
}

/** AUTH_MODE: read here because it switches internal credentials in every module, and by the gateway's settings. */
export function readAuthMode(env: Env): Config['auth']['mode'] {
  return oneOf(env, 'AUTH_MODE', 'off', ['off', 'jwt'] as const);
}

/** Discovery's secret and limits, in one place so other settings merge around them. */
function discoveryAccess(env: Env): Pick<Config, 'discoveryToken' | 'discoveryMaxInstancesPerService'> {
  const token = env.DISCOVERY_TOKEN?.trim() || undefined;
  if (token && token.length < 32) {
    throw new ConfigError('DISCOVERY_TOKEN must be at least 32 characters long (e.g. `openssl rand -hex 32`)');
  }
  if (token && !/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('DISCOVERY_TOKEN may hold printable ASCII characters only, no spaces');
  return {
    ...(token ? { discoveryToken: token } : {}),
    discoveryMaxInstancesPerService: integer(env, 'DISCOVERY_MAX_INSTANCES_PER_SERVICE', 50, 1, 10_000),
  };
}

/** ADMIN_TOKEN: the bearer token for `/admin` on the modules' own ports. */
function admin(env: Env): Pick<Config, 'adminToken'> {
  const token = env.ADMIN_TOKEN?.trim() || undefined;
  if (token && token.length < 32) throw new ConfigError('ADMIN_TOKEN must be at least 32 characters long (e.g. `openssl rand -hex 32`)');
  if (token && !/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('ADMIN_TOKEN may hold printable ASCII characters only, no spaces');
  return {
    ...(token ? { adminToken: token } : {}),
  };
}

/**
 * Who may use `/admin`. Without ADMIN_TOKEN it is open only in the all-in-one with authentication
 * off, whose modules' ports listen on loopback; a process of its own (its port faces the network)
 * or AUTH_MODE=jwt then refuses `/admin` rather than serve it to anyone who can reach the port.
 */
export function adminAccessFor(config: Pick<Config, 'adminToken' | 'auth'>, oneProcess: boolean): { token?: string; openWithoutToken: boolean } {
  return { ...(config.adminToken ? { token: config.adminToken } : {}), openWithoutToken: oneProcess && config.auth.mode === 'off' };
}

/** INTERNAL_AUTH_SECRET, read only when authentication is on (it means nothing otherwise). */
function internalSecret(env: Env, auth: Config['auth']): string | undefined {
  const secret = env.INTERNAL_AUTH_SECRET?.trim();
  if (auth.mode === 'off' || !secret) return undefined;
  if (new TextEncoder().encode(secret).length < 32) throw new ConfigError('INTERNAL_AUTH_SECRET must be at least 32 bytes long');
  return secret;
}

/**
 * The internal secret a process uses, or undefined with authentication off. Processes of their own
 * must share one, so it is required; the all-in-one's modules live in one process and can be given
 * a fresh one at each start, which no other process knows.
 */
export function internalAuthSecret(config: Pick<Config, 'auth' | 'internalAuthSecret'>, oneProcess: boolean): string | undefined {
  if (config.auth.mode === 'off') return undefined;
  if (config.internalAuthSecret) return config.internalAuthSecret;
  if (oneProcess) return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  throw new ConfigError('AUTH_MODE=jwt needs INTERNAL_AUTH_SECRET (at least 32 bytes), the same in the gateway and every module, so that modules serve only what the gateway vouches for');
}

function kafka(env: Env): Config['kafka'] {
  const topicPartitions = integer(env, 'KAFKA_TOPIC_PARTITIONS', 6, 1, 1000);
  const replicationFactor = integer(env, 'KAFKA_REPLICATION_FACTOR', 1, 1, 10);
  const raw = env.KAFKA_BROKERS?.trim();
  if (!raw) return undefined;
  const brokers = raw.split(',').map((b) => b.trim()).filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) throw new ConfigError(`KAFKA_BROKERS must list host:port entries, got "${broker}"`);
  }
  const namespace = text(env, 'KAFKA_NAMESPACE', '');
  if (namespace && !/^[A-Za-z0-9._-]{1,100}$/.test(namespace)) {
    throw new ConfigError(`KAFKA_NAMESPACE may hold letters, digits, '.', '_' and '-' only, got "${namespace}"`);
  }
  // The broker refuses sessions outside group.min/max.session.timeout.ms (6 s to 30 min by default).
  const sessionTimeoutMs = integer(env, 'KAFKA_SESSION_TIMEOUT_MS', 10_000, 6_000, 1_800_000);
  const ssl = kafkaTls(env);
  const sasl = kafkaSasl(env);
  return { brokers, topicPartitions, replicationFactor, namespace, sessionTimeoutMs, ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

/** KAFKA_SSL, KAFKA_SSL_CA_FILE (implies KAFKA_SSL=true), KAFKA_SSL_REJECT_UNAUTHORIZED. */
function kafkaTls(env: Env): NonNullable<Config['kafka']>['ssl'] {
  const ca = pemFile(env, 'KAFKA_SSL_CA_FILE');
  const on = oneOf(env, 'KAFKA_SSL', ca ? 'true' : 'false', ['true', 'false'] as const) === 'true';
  const rejectUnauthorized = oneOf(env, 'KAFKA_SSL_REJECT_UNAUTHORIZED', 'true', ['true', 'false'] as const) === 'true';
  if (!on) {
    if (ca) throw new ConfigError('KAFKA_SSL_CA_FILE is set but KAFKA_SSL=false; unset one of them');
    return undefined;
  }
  return { rejectUnauthorized, ...(ca ? { ca } : {}) };
}

/** KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: all three or none. */
function kafkaSasl(env: Env): NonNullable<Config['kafka']>['sasl'] {
  const raw = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const username = env.KAFKA_SASL_USERNAME?.trim() ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (!raw) {
    if (username || password) throw new ConfigError('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)');
    return undefined;
  }
  const mechanism = oneOf({ KAFKA_SASL_MECHANISM: raw }, 'KAFKA_SASL_MECHANISM', 'plain', KAFKA_SASL_MECHANISMS);
  if (!username || !password) throw new ConfigError(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  return { mechanism, username, password };
}

/** DATABASE_SSL_CA_FILE; a URL that turns TLS off while a CA is given is a contradiction, refused. */
function databaseSslCa(env: Env, urls: Config['databaseUrls']): string | undefined {
  const ca = pemFile(env, 'DATABASE_SSL_CA_FILE');
  if (!ca) return undefined;
  for (const [owner, url] of Object.entries(urls)) {
    const mode = url ? new URL(url).searchParams.get('sslmode') : null;
    if (mode === 'disable' || mode === 'allow' || mode === 'prefer') {
      throw new ConfigError(`DATABASE_SSL_CA_FILE is set but ${owner.toUpperCase()}_DATABASE_URL has sslmode=${mode}, which does not verify the server; use verify-full`);
    }
  }
  return ca;
}

function databases(env: Env): Pick<Config, 'databaseUrls' | 'databaseSslCa'> {
  const databaseUrls = {
    user: postgresUrl(env, 'USER_DATABASE_URL'),
    friend: postgresUrl(env, 'FRIEND_DATABASE_URL'),
    recommendation: postgresUrl(env, 'RECOMMENDATION_DATABASE_URL'),
  };
  const ca = databaseSslCa(env, databaseUrls);
  return { databaseUrls, ...(ca ? { databaseSslCa: ca } : {}) };
}

/**
 * LOG_FORMAT=pretty|json. By default human lines on a terminal and JSON otherwise (a container, a
 * pipe, a file: whatever collects logs there parses them). Colour only for pretty lines on a
 * terminal, and never with NO_COLOR set (https://no-color.org).
 */
export function logOutput(env: Env, stdoutIsTerminal: boolean): Config['logOutput'] {
  const format = oneOf(env, 'LOG_FORMAT', stdoutIsTerminal ? 'pretty' : 'json', ['pretty', 'json'] as const);
  return { format, color: format === 'pretty' && stdoutIsTerminal && !env.NO_COLOR };
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL, as in the OpenTelemetry spec (`/v1/traces` is appended). */
function tracing(env: Env): Config['tracing'] {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  // The share of the traces this system starts that are exported; a caller's decision is followed.
  const sampleRatio = fraction(env, 'OTEL_TRACES_SAMPLER_ARG', 1);
  return { endpoint: endpoint.replace(/\/+$/, ''), ...(serviceName ? { serviceName } : {}), sampleRatio };
}

/**
 * A read that waits for its Consistency-Token must answer (503) before the gateway gives up on it
 * (504): the caller then learns "not yet", with Retry-After, rather than "the gateway timed out".
 */
export function readConsistency(env: Env, gateway: { upstreamTimeoutMs: number }): ConsistencyOptions {
  const { upstreamTimeoutMs } = gateway;
  const waitMs = integer(env, 'CONSISTENCY_WAIT_MS', Math.min(3_000, Math.floor(upstreamTimeoutMs / 2)), 0, 600_000);
  if (waitMs >= upstreamTimeoutMs) {
    throw new ConfigError(`CONSISTENCY_WAIT_MS (${waitMs}) must be below GATEWAY_UPSTREAM_TIMEOUT_MS (${upstreamTimeoutMs})`);
  }
  return { waitMs, maxWaiters: integer(env, 'CONSISTENCY_MAX_WAITERS', 1_000, 1, 1_000_000) };
}

export function loadConfig(env: Env = process.env, stdoutIsTerminal = process.stdout.isTTY === true): Config {
  const advertisedHost = text(env, 'ADVERTISED_HOST', '127.0.0.1');
  const heartbeatIntervalMs = integer(env, 'HEARTBEAT_INTERVAL_MS', 5_000, 50, 600_000);
  const evictAfterMs = integer(env, 'EVICT_AFTER_MS', heartbeatIntervalMs * 3, 100, 3_600_000);
  if (evictAfterMs <= heartbeatIntervalMs) {
    throw new ConfigError('EVICT_AFTER_MS must be greater than HEARTBEAT_INTERVAL_MS');
  }
  const authentication = { mode: readAuthMode(env) };
  return {
    dataDir: text(env, 'DATA_DIR', './data'),
    host: text(env, 'HOST', '0.0.0.0'),
    modulesHost: text(env, 'MODULES_HOST', '127.0.0.1'),
    advertisedHost,
    heartbeatIntervalMs,
    evictAfterMs,
    discoveryRefreshMs: integer(env, 'GATEWAY_REFRESH_MS', 1_000, 10, 60_000),
    maxRequestBodyBytes: integer(env, 'MAX_REQUEST_BODY_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    auth: authentication,
    internalAuthSecret: internalSecret(env, authentication),
    ...admin(env),
    outboxRelayPaused: oneOf(env, 'OUTBOX_RELAY_PAUSED', 'false', ['true', 'false'] as const) === 'true',
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    logOutput: logOutput(env, stdoutIsTerminal),
    kafka: kafka(env),
    ...discoveryAccess(env),
    ...databases(env),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    // Below GATEWAY_UPSTREAM_TIMEOUT_MS' default, so the caller hears "unavailable" (503) rather than a gateway timeout.
    databaseConnectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
    tracing: tracing(env),
  };
}
