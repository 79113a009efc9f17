/**
 * Distributed mode as it runs in production, for end-to-end tests: every module its own process
 * (through `cluster.ts`), on the real PostgreSQL, Kafka and Neo4j that `bun run infra:up` started.
 * Each run is isolated: its own PostgreSQL databases, its own KAFKA_NAMESPACE, a cleared Neo4j,
 * free ports, and a log file per process whose tail is added to any failure.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import neo4j from 'neo4j-driver';
import postgres from 'postgres';
import { silentLogger } from '../../src/platform/log';
import { eventually, freePorts, tempDir } from '../kits/processes';
import { openNeo4jGraph, type GraphSnapshot, type Neo4jGraph } from '../../src/modules/recommendation';
import { newDiscoveryToken, startInstance, stopInstances, waitInstanceHealthy, type Instance, type InstanceSpec } from '../../scripts/lib/cluster';
import { friendPaths } from '../../src/modules/friend/contracts/http';
import { newMasterKeyText } from '../../src/modules/user/personal-data/master-key';

/** What `bun run infra:up` writes to `.infra/env`; without them the distributed tests skip. */
export const engineVariables = [
  'KAFKA_BROKERS',
  'USER_DATABASE_URL',
  'FRIEND_DATABASE_URL',
  'RECOMMENDATION_DATABASE_URL',
  'NEO4J_URL',
  'POSTGRES_ADMIN_URL',
] as const;

export const missingEngineVariables = (): string[] => engineVariables.filter((name) => !process.env[name]?.trim());

const repoRoot = join(import.meta.dir, '..', '..');
export type Store = 'user' | 'friend' | 'recommendation';
const stores: Store[] = ['user', 'friend', 'recommendation'];

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Cluster {
  /** e.g. `e2e-k3j9x2`: the Kafka namespace, and part of the database names. */
  readonly namespace: string;
  /** The user service's PII_MASTER_KEY: a test opens stored names with it, as the service does. */
  readonly piiMasterKey: string;
  readonly gateway: string;
  readonly discovery: string;
  readonly logDir: string;
  readonly specs: readonly InstanceSpec[];
  /** One request through the gateway (the public API), bounded by `timeoutMs`. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>, timeoutMs?: number): Promise<ApiResponse<T>>;
  /** The running process of an instance (throws when it is not running). */
  instance(name: string): Instance;
  /** Sends `signal` and waits until the process is gone. */
  kill(name: string, signal?: 'SIGKILL' | 'SIGTERM'): Promise<number>;
  /**
   * Starts an instance again on the same port; resolves once it is healthy. `env` changes its
   * environment from now on (e.g. `OUTBOX_RELAY_PAUSED`), on top of what it was started with.
   */
  restart(name: string, env?: Record<string, string>): Promise<void>;
  /** Instances of `service` that discovery lists as live (an observation of the platform, not the API under test). */
  liveInstances(service: string): Promise<{ instanceId: string; url: string }[]>;
  /** Runs SQL on one module's database of this run. */
  query<R = Record<string, unknown>>(store: Store, text: string): Promise<R[]>;
  /** Nodes in Neo4j by label: tells a lagging projection from a graph someone else cleared. */
  graphCounts(): Promise<Record<string, number>>;
  /** The whole recommendation graph in Neo4j, in the canonical form every graph adapter gives. */
  graphSnapshot(): Promise<GraphSnapshot>;
  /** The last lines of every process log, for failure messages. */
  logTails(lines?: number): string;
  /** Runs `work`; on failure adds the tail of every process log to the error. */
  explain<T>(work: () => Promise<T>): Promise<T>;
  /** Stops every process, drops the run's databases, topics and consumer groups, clears Neo4j. */
  close(): Promise<void>;
}

const randomId = () => Math.random().toString(36).slice(2, 8).padEnd(6, '0');

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function clearNeo4j(url: string, user: string, password: string): Promise<void> {
  const driver = neo4j.driver(url, neo4j.auth.basic(user, password));
  try {
    // The test runs alone on this Neo4j: nothing else may survive from an earlier run.
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
  } finally {
    await driver.close();
  }
}

/** Deletes the run's topics and consumer groups, so repeated runs do not fill the broker. */
async function dropKafkaNamespace(brokers: string[], namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: `${namespace}-cleanup`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

function tailOf(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log yet)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).map((line) => (line.length > 400 ? `${line.slice(0, 400)} ...` : line)).join('\n');
}

function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ClusterOptions {
  friendInstances?: number;
  /** Recommendation instances on the one Neo4j: `recommendation`, then `recommendation-2`, ... */
  recommendationInstances?: number;
  /**
   * Extra environment of one instance, given the run's settings every process gets: e.g. a paused
   * outbox relay, or a database URL that goes through a test's proxy.
   */
  environment?: (instance: InstanceSpec, shared: Readonly<Record<string, string>>) => Record<string, string>;
}

/**
 * Starts discovery, user, two friend instances, recommendation and the gateway as separate
 * processes, and waits until the gateway reaches every service (and both friend instances are
 * registered).
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const env = process.env as Record<string, string>;
  const missing = missingEngineVariables();
  if (missing.length > 0) throw new Error(`distributed cluster needs ${missing.join(', ')}`);
  const friends = options.friendInstances ?? 2;
  const recommendations = options.recommendationInstances ?? 1;
  const runId = randomId();
  const namespace = `e2e-${runId}`;
  const workDir = tempDir(`distributed-${runId}-`);
  const logDir = join(workDir, 'logs');
  const brokers = env.KAFKA_BROKERS!.split(',').map((b) => b.trim()).filter(Boolean);

  const admin = postgres(env.POSTGRES_ADMIN_URL!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const databaseNames = Object.fromEntries(stores.map((s) => [s, `e2e_${runId}_${s}`])) as Record<Store, string>;
  const urls = Object.fromEntries(stores.map((s) => [s, withDatabase(env.USER_DATABASE_URL!, databaseNames[s])])) as Record<Store, string>;
  const owner = decodeURIComponent(new URL(env.USER_DATABASE_URL!).username) || 'social';
  const pools = new Map<Store, postgres.Sql>();
  const created: string[] = [];
  const running = new Map<string, Instance>();

  const ports = freePorts(5 + friends + recommendations - 1);
  const [discoveryPort, userPort, recommendationPort, gatewayPort] = ports as [number, number, number, number];
  const specs: InstanceSpec[] = [
    { name: 'discovery', module: 'discovery', port: discoveryPort },
    { name: 'user', module: 'user', port: userPort },
    ...Array.from({ length: friends }, (_, i) => ({ name: `friend-${i + 1}`, module: 'friend' as const, port: ports[4 + i]! })),
    { name: 'recommendation', module: 'recommendation', port: recommendationPort },
    ...Array.from({ length: recommendations - 1 }, (_, i) => ({ name: `recommendation-${i + 2}`, module: 'recommendation' as const, port: ports[4 + friends + i]! })),
    { name: 'gateway', module: 'gateway', port: gatewayPort },
  ];
  const discovery = `http://127.0.0.1:${discoveryPort}`;
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  // One per cluster: every process gets it, and the harness uses it to observe discovery.
  const discoveryToken = newDiscoveryToken();
  const piiMasterKey = newMasterKeyText();
  const processEnv: Record<string, string> = {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_NAMESPACE: namespace,
    USER_DATABASE_URL: urls.user,
    // Fresh databases per cluster, so a fresh master key; kept across the cluster's restarts.
    PII_MASTER_KEY: piiMasterKey,
    FRIEND_DATABASE_URL: urls.friend,
    RECOMMENDATION_DATABASE_URL: urls.recommendation,
    NEO4J_URL: env.NEO4J_URL!,
    NEO4J_USER: env.NEO4J_USER ?? 'neo4j',
    NEO4J_PASSWORD: env.NEO4J_PASSWORD ?? '',
    DATA_DIR: join(workDir, 'data'),
    HOST: '127.0.0.1',
    ADVERTISED_HOST: '127.0.0.1',
    DISCOVERY_PORT: String(discoveryPort),
    DISCOVERY_URL: discovery,
    DISCOVERY_TOKEN: discoveryToken,
    USER_PORT: String(userPort),
    FRIEND_PORT: String(ports[4]),
    RECOMMENDATION_PORT: String(recommendationPort),
    GATEWAY_PORT: String(gatewayPort),
    HEARTBEAT_INTERVAL_MS: '300',
    EVICT_AFTER_MS: '900',
    GATEWAY_REFRESH_MS: '200',
    OUTBOX_RELAY_PAUSED: 'false',
    LOG_LEVEL: 'info',
  };

  const logTails = (lines = 20) =>
    `--- process logs (${logDir}) ---\n` +
    specs.map((s) => `--- ${s.name} (last ${lines} lines) ---\n${tailOf(join(logDir, `${s.name}.log`), lines)}`).join('\n');

  const spec = (name: string) => {
    const found = specs.find((s) => s.name === name);
    if (!found) throw new Error(`no instance named ${name}`);
    return found;
  };

  /** Reads the graph the way the recommendation service does; opened on first use, kept until close. */
  let graphReader: Promise<Neo4jGraph> | undefined;
  const overrides = new Map<string, Record<string, string>>();
  const launch = async (name: string, env?: Record<string, string>) => {
    if (env) overrides.set(name, { ...overrides.get(name), ...env });
    const own = { ...options.environment?.(spec(name), processEnv), ...overrides.get(name) };
    const instance = startInstance(spec(name), { ...processEnv, ...own }, logDir);
    running.set(name, instance);
    await waitInstanceHealthy(instance, `http://127.0.0.1:${instance.port}/actuator/health`, 60_000);
  };

  const liveInstances: Cluster['liveInstances'] = async (service) => {
    const res = await fetch(`${discovery}/v1/instances/${service}`, { headers: { authorization: `Bearer ${discoveryToken}` }, signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    return (await res.json()) as { instanceId: string; url: string }[];
  };

  const api: Cluster['api'] = async (method, path, body, headers = {}, timeoutMs = 20_000) => {
    const res = await fetch(gateway + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  // If the test run itself is cut short, no process of this cluster may outlive it.
  const killAll = () => running.forEach((i) => i.proc.exitCode === null && i.proc.kill('SIGKILL'));
  process.on('exit', killAll);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      process.off('exit', killAll);
      const problems: string[] = [];
      const attempt = async (what: string, work: () => Promise<unknown>, ms: number) => {
        try {
          await withTimeout(what, work(), ms);
        } catch (error) {
          problems.push(`${what}: ${(error as Error).message}`);
        }
      };
      await attempt('stopping the processes', () => stopInstances([...running.values()], 10_000), 20_000);
      await Promise.all([...pools.values()].map((p) => p.end({ timeout: 2 })));
      await graphReader?.then((g) => g.close()).catch(() => undefined);
      await attempt('dropping the databases', async () => {
        for (const name of created) await admin.unsafe(`drop database if exists "${name}" with (force)`);
      }, 20_000);
      await admin.end({ timeout: 2 });
      await attempt('deleting the Kafka topics and groups', () => dropKafkaNamespace(brokers, namespace), 30_000);
      await attempt('clearing Neo4j', () => clearNeo4j(env.NEO4J_URL!, env.NEO4J_USER ?? 'neo4j', env.NEO4J_PASSWORD ?? ''), 30_000);
      if (problems.length > 0) console.warn(`distributed harness clean-up (${namespace}): ${problems.join('; ')}`);
    })());

  const cluster: Cluster = {
    namespace,
    piiMasterKey,
    gateway,
    discovery,
    logDir,
    specs,
    api,
    instance(name) {
      const instance = running.get(name);
      if (!instance || instance.proc.exitCode !== null || instance.proc.signalCode !== null) throw new Error(`${name} is not running`);
      return instance;
    },
    async kill(name, signal = 'SIGKILL') {
      const instance = running.get(name);
      if (!instance) throw new Error(`${name} was never started`);
      instance.proc.kill(signal);
      return withTimeout(`${name} to exit after ${signal}`, instance.proc.exited, 15_000);
    },
    async restart(name, env) {
      await launch(name, env);
      // Healthy on its own port is not yet reachable: the gateway routes to an instance only after
      // its next refresh has probed it. A test that goes on through the API at once would get 503.
      const { module } = spec(name);
      if (module === 'discovery' || running.get('gateway')?.proc.exitCode !== null) return;
      const routes = module === 'gateway' ? ['user', 'friend', 'recommendation'] : [module];
      const restarted = running.get(name)!;
      await eventually(`the gateway to route to ${routes.join(', ')} after ${name} restarted`, async () => {
        if (restarted.proc.exitCode !== null || restarted.proc.signalCode !== null) return true; // stopped again by the test meanwhile
        const health = await Promise.all(routes.map((m) => api('GET', `/${m}/actuator/health`, undefined, {}, 2_000)));
        return health.every((r) => r.status === 200);
      }, 30_000);
    },
    liveInstances,
    async query(store, text) {
      let pool = pools.get(store);
      if (!pool) {
        pool = postgres(urls[store], { max: 2, onnotice: () => {}, connect_timeout: 10 });
        pools.set(store, pool);
      }
      return (await pool.unsafe(text)) as any;
    },
    async graphSnapshot() {
      if (!graphReader) {
        graphReader = openNeo4jGraph({ url: env.NEO4J_URL!, user: env.NEO4J_USER ?? 'neo4j', password: env.NEO4J_PASSWORD ?? '' }, silentLogger);
        // A failed open (Neo4j away) is tried again on the next call.
        graphReader.catch(() => (graphReader = undefined));
      }
      return (await graphReader).snapshot();
    },
    async graphCounts() {
      const driver = neo4j.driver(env.NEO4J_URL!, neo4j.auth.basic(env.NEO4J_USER ?? 'neo4j', env.NEO4J_PASSWORD ?? ''));
      try {
        const { records } = await driver.executeQuery('MATCH (n) RETURN coalesce(labels(n)[0], "") AS label, count(*) AS n');
        return Object.fromEntries(records.map((r) => [r.get('label') as string, Number(r.get('n'))]));
      } finally {
        await driver.close();
      }
    },
    logTails,
    async explain(work) {
      try {
        return await work();
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        e.message += `\n${logTails()}`;
        throw e;
      }
    },
    close,
  };

  try {
    for (const store of stores) {
      await admin.unsafe(`create database "${databaseNames[store]}" owner "${owner}"`);
      created.push(databaseNames[store]);
    }
    await clearNeo4j(env.NEO4J_URL!, env.NEO4J_USER ?? 'neo4j', env.NEO4J_PASSWORD ?? '');
    // Discovery first, the services side by side, the gateway last: as `bun run distributed` does.
    await launch('discovery');
    await Promise.all(specs.filter((s) => s.module !== 'discovery' && s.module !== 'gateway').map((s) => launch(s.name)));
    await launch('gateway');
    await eventually('the gateway to reach every service, and every friend instance to be registered', async () => {
      const health = await Promise.all(['user', 'friend', 'recommendation'].map((p) => api('GET', `/${p}/actuator/health`, undefined, {}, 2_000)));
      return health.every((r) => r.status === 200) && (await liveInstances('friend')).length === friends;
    }, 30_000);
  } catch (error) {
    const message = `distributed cluster did not start: ${(error as Error).message}\n${logTails()}`;
    await close();
    throw new Error(message);
  }
  return cluster;
}

export type Engine = 'kafka' | 'neo4j' | 'postgres';

/**
 * `bun run infra:down -- kafka` / `bun run infra:up -- kafka`: stops or starts one local engine.
 * Output goes to a file (a started server must not hold our pipe open).
 */
export async function infra(action: 'up' | 'down', engine: Engine, logDir: string, timeoutMs = 150_000): Promise<void> {
  const logFile = join(logDir, `infra-${action}-${engine}.log`);
  const fd = openSync(logFile, 'a');
  try {
    const proc = Bun.spawn(['bun', 'run', `infra:${action}`, '--', engine], { cwd: repoRoot, stdin: 'ignore', stdout: fd, stderr: fd });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const code = await proc.exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`bun run infra:${action} -- ${engine} exited with ${code}:\n${tailOf(logFile, 30)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * TCP connections `pid` holds, established, to 127.0.0.1:`port` (Linux /proc). The gateway keeps
 * its upstream connections alive, so this shows which instances it has forwarded requests to.
 */
export function establishedConnections(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  let count = 0;
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const remotePort = parseInt(cols[2]!.split(':')[1]!, 16);
      if (cols[3] === '01' && remotePort === port && inodes.has(cols[9]!)) count++;
    }
  }
  return count;
}

export interface ExpectedUser {
  firstName: string;
  lastName: string;
  /** Stream version of the name, from the ETag: concurrent updates are ordered by it. */
  version: number;
}

const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

/**
 * What the system must eventually show, computed only from acknowledged (2xx) commands. Each
 * acknowledged command is exactly one event. A friendship command succeeds only when it changes
 * the pair (add when absent, remove when present), so however the responses of concurrent
 * commands interleave, a pair is present iff it had one more successful add than removes.
 */
export class ExpectedGraph {
  readonly users = new Map<number, ExpectedUser>();
  private readonly pairs = new Map<string, { a: number; b: number; adds: number; removes: number }>();
  /** Acknowledged events: UserCreated, UserUpdated, FriendAdded, FriendRemoved. */
  events = 0;

  userCreated(user: { id: number; firstName: string; lastName: string }): void {
    this.users.set(user.id, { firstName: user.firstName, lastName: user.lastName, version: 1 });
    this.events++;
  }

  /** `version` from the response's ETag; an older answer arriving later does not win. */
  userUpdated(user: { id: number; firstName: string; lastName: string }, version: number): void {
    const known = this.users.get(user.id);
    if (!known || known.version < version) this.users.set(user.id, { firstName: user.firstName, lastName: user.lastName, version });
    this.events++;
  }

  private pair(a: number, b: number) {
    const key = pairKey(a, b);
    let p = this.pairs.get(key);
    if (!p) this.pairs.set(key, (p = { a: Math.min(a, b), b: Math.max(a, b), adds: 0, removes: 0 }));
    return p;
  }

  friendAdded(a: number, b: number): void {
    this.pair(a, b).adds++;
    this.events++;
  }

  friendRemoved(a: number, b: number): void {
    this.pair(a, b).removes++;
    this.events++;
  }

  areFriends(a: number, b: number): boolean {
    const p = this.pairs.get(pairKey(a, b));
    return p !== undefined && p.adds - p.removes === 1;
  }

  /** Pairs whose acknowledged commands could not all have succeeded (e.g. two adds and no remove). */
  impossiblePairs(): string[] {
    return [...this.pairs.entries()].filter(([, p]) => p.adds - p.removes !== 0 && p.adds - p.removes !== 1).map(([k, p]) => `${k} (+${p.adds} -${p.removes})`);
  }

  friendsOf(u: number): Set<number> {
    const out = new Set<number>();
    for (const p of this.pairs.values()) {
      if (p.adds - p.removes !== 1) continue;
      if (p.a === u) out.add(p.b);
      else if (p.b === u) out.add(p.a);
    }
    return out;
  }

  /** Friends of friends, not friends and not `u`, as [id, weight, firstName, lastName], weight desc then id asc. */
  recommendations(u: number): [number, number, string | null, string | null][] {
    const mine = this.friendsOf(u);
    const weights = new Map<number, number>();
    for (const f of mine) for (const g of this.friendsOf(f)) if (g !== u && !mine.has(g)) weights.set(g, (weights.get(g) ?? 0) + 1);
    return [...weights]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .map(([id, weight]) => [id, weight, this.users.get(id)?.firstName ?? null, this.users.get(id)?.lastName ?? null]);
  }

  mutualFriends(u: number, v: number): number[] {
    const theirs = this.friendsOf(v);
    return [...this.friendsOf(u)].filter((f) => theirs.has(f)).sort((x, y) => x - y);
  }
}

/** Compares every user's recommendations with `expected`; returns true, or the first difference. */
export async function recommendationsMatch(cluster: Cluster, expected: ExpectedGraph, users: Iterable<number> = expected.users.keys()): Promise<true | string> {
  for (const u of users) {
    const res = await cluster.api('GET', `/recommendation/v1/users/${u}/commands/recommendFriends?limit=1000`, undefined, {}, 5_000);
    if (res.status !== 200) return `recommendFriends of ${u} answered ${res.status}`;
    const got = JSON.stringify(res.body.map((r: any) => [r.user.id, r.weight, r.user.firstName, r.user.lastName]));
    const want = JSON.stringify(expected.recommendations(u));
    if (got !== want) return `recommendations of user ${u}: got ${got}, expected ${want}`;
  }
  return true;
}

/** Compares the friend read model (immediately consistent: same database as the events) with `expected`. */
export async function friendListsMatch(cluster: Cluster, expected: ExpectedGraph, users: Iterable<number>): Promise<true | string> {
  for (const u of users) {
    const res = await cluster.api('GET', `/friend${friendPaths.friendsOf(u, 1000)}`);
    if (res.status !== 200) return `friends of ${u} answered ${res.status}`;
    const got = JSON.stringify(res.body.map((f: any) => f.friendId).sort((x: number, y: number) => x - y));
    const want = JSON.stringify([...expected.friendsOf(u)].sort((x, y) => x - y));
    if (got !== want) return `friends of user ${u}: got ${got}, expected ${want}`;
  }
  return true;
}

/** Deterministic pseudo-random numbers, so a failing burst can be replayed from its seed. */
export { mulberry32 as seeded } from '../kits/random';

/**
 * Runs commands on `concurrency` workers until `next` returns undefined (null: none right now, ask
 * again shortly). Each command reports the status it got; the tally keeps every status (and thrown
 * errors as status 0) in completion order.
 */
export async function runBurst(concurrency: number, next: (index: number) => (() => Promise<number>) | null | undefined): Promise<{ statuses: number[]; errors: string[] }> {
  const statuses: number[] = [];
  const errors: string[] = [];
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const command = next(issued);
        if (command === undefined) return;
        if (command === null) {
          await Bun.sleep(50);
          continue;
        }
        issued++;
        try {
          statuses.push(await command());
        } catch (error) {
          statuses.push(0);
          errors.push((error as Error).message);
        }
      }
    }),
  );
  return { statuses, errors };
}

/** e.g. `{201: 180, 204: 40, 404: 30, 409: 50}` */
export const tally = (statuses: readonly number[]): Record<number, number> =>
  statuses.reduce<Record<number, number>>((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), {});
