/**
 * Distributed mode on this machine: every module its own process, on the Kafka, PostgreSQL and
 * Neo4j that `bun run infra:up` started. Ctrl-C stops them all.
 *
 *   bun run distributed [-- --user N --friend N --recommendation N]
 */
import { newDiscoveryToken, planInstances, startInstance, startOrder, stopInstances, waitInstanceHealthy, type Instance, type ModuleName } from './lib/cluster';
import { readInfraEnv } from './lib/infra-env';
import { readFlags } from './lib/flags';

// PII_MASTER_KEY: the user service on PostgreSQL refuses to start without its master key;
// infra:up writes the one it keeps for these databases in .infra/pii-master-key.
const required = ['KAFKA_BROKERS', 'USER_DATABASE_URL', 'FRIEND_DATABASE_URL', 'RECOMMENDATION_DATABASE_URL', 'NEO4J_URL', 'PII_MASTER_KEY'];
const env = { ...readInfraEnv(), ...(process.env as Record<string, string>) };
const missing = required.filter((name) => !env[name]);
if (missing.length) {
  console.error(`missing ${missing.join(', ')}: run \`bun run infra:up\` first (it writes .infra/env), or set them yourself`);
  process.exit(2);
}

// Every process this script starts shares one internal secret, made here unless one is given.
if (env.AUTH_MODE?.trim() === 'jwt' && !env.INTERNAL_AUTH_SECRET?.trim()) {
  env.INTERNAL_AUTH_SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

const counts: Record<ModuleName, number> = { discovery: 1, user: 1, friend: 1, recommendation: 1, gateway: 1 };
const usage = (got: string) => {
  console.error(`usage: bun run distributed [-- --user N --friend N --recommendation N] (1..5); ${got}`);
  process.exit(2);
};
let read: ReturnType<typeof readFlags> = { kind: 'help' };
try {
  read = readFlags(process.argv.slice(2), { values: ['user', 'friend', 'recommendation'] });
} catch (error) {
  usage((error as Error).message);
}
if (read.kind === 'help') usage('');
else {
  for (const [module, value] of read.values) {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 5) usage(`got --${module} ${value}`);
    counts[module as ModuleName] = n;
  }
}

const base: Record<ModuleName, number> = {
  discovery: Number(env.DISCOVERY_PORT ?? 8761),
  user: Number(env.USER_PORT ?? 8081),
  friend: Number(env.FRIEND_PORT ?? 8082),
  recommendation: Number(env.RECOMMENDATION_PORT ?? 8083),
  gateway: Number(env.GATEWAY_PORT ?? 9000),
};
const logDir = env.LOG_DIR ?? 'logs';
// Discovery's secret: yours if set, else a fresh one for this run, given to every process.
const discoveryToken = env.DISCOVERY_TOKEN || newDiscoveryToken();
const instances: Instance[] = [];
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping every module ...');
  await stopInstances(instances);
  console.log(`stopped ${instances.length} processes`);
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  for (const module of startOrder) {
    const started = planInstances({ ...{ discovery: 0, user: 0, friend: 0, recommendation: 0, gateway: 0 }, [module]: counts[module] }, base)
      .map((spec) => startInstance(spec, { ...env, DISCOVERY_URL: env.DISCOVERY_URL ?? `http://127.0.0.1:${base.discovery}`, DISCOVERY_TOKEN: discoveryToken }, logDir));
    instances.push(...started);
    await Promise.all(started.map((i) => waitInstanceHealthy(i, `http://127.0.0.1:${i.port}/actuator/health`)));
    for (const i of started) console.log(`  ${i.name.padEnd(18)} pid ${String(i.proc.pid).padEnd(8)} http://127.0.0.1:${i.port}  log ${i.logFile}`);
  }
  const gateway = `http://127.0.0.1:${base.gateway}`;
  const gatewayInstance = instances.at(-1)!;
  for (const prefix of ['user', 'friend', 'recommendation']) await waitInstanceHealthy(gatewayInstance, `${gateway}/${prefix}/actuator/health`);
  console.log(`ready: ${instances.length} processes; the API is on ${gateway} (Swagger UI at ${gateway}/swagger). Ctrl-C stops them all.`);
  for (const i of instances) void i.proc.exited.then((code) => !stopping && console.error(`${i.name} exited with code ${code}; see ${i.logFile}`));
} catch (error) {
  console.error((error as Error).message);
  await shutdown(1);
}
