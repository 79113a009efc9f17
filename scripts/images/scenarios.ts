/**
 * The two ways the images run, each driven through its gateway: the all-in-one image alone (it
 * keeps its data in the image's /data, fresh per container), and the five distributed images on
 * the engines of `bun run infra:up`. Ports come from a free block of 39000-39999; a port taken in
 * between (the range overlaps the kernel's ephemeral ports) makes the scenario start again.
 */
import { join } from 'node:path';
import { newDiscoveryToken } from '../lib/cluster';
import { readInfraEnv } from '../lib/infra-env';
import { imageName } from './build-images';
import { driveGateway, healthCheck, runImage, stopAll, waitFor, type Running } from './drive';

const modules = ['discovery', 'user', 'friend', 'recommendation', 'gateway'] as const;
type Module = (typeof modules)[number];
type Ports = Record<Module, number>;
const portVariables = (p: Ports) => ({ DISCOVERY_PORT: String(p.discovery), USER_PORT: String(p.user), FRIEND_PORT: String(p.friend), RECOMMENDATION_PORT: String(p.recommendation), GATEWAY_PORT: String(p.gateway) });
const ok = (url: string) => fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200);

async function isFree(port: number): Promise<boolean> {
  try {
    Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/** Five consecutive free ports at a random place in 39000-39999. */
async function freePorts(): Promise<Ports> {
  for (;;) {
    const base = 39000 + Math.floor(Math.random() * 199) * 5;
    const ports = modules.map((_, i) => base + i);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return Object.fromEntries(modules.map((m, i) => [m, ports[i]!])) as Ports;
  }
}

/** Runs `scenario` on fresh ports, again (up to 3 times) when a process reports its port in use. */
async function onFreePorts(scenario: (ports: Ports, running: Running[]) => Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const running: Running[] = [];
    try {
      return await scenario(await freePorts(), running);
    } catch (error) {
      const portTaken = running.some((r) => r.proc.exitCode === 5);
      if (!portTaken || attempt === 3) throw error;
    } finally {
      await stopAll(running);
    }
  }
}

export function allInOne(logDir: string): Promise<string> {
  return onFreePorts(async (ports, running) => {
    const env = { ...portVariables(ports), HOST: '127.0.0.1', DISCOVERY_TOKEN: newDiscoveryToken() };
    running.push(await runImage(imageName('all-in-one'), 'sn-check-all-in-one', env, logDir));
    const note = await driveGateway(`http://127.0.0.1:${ports.gateway}`, running);
    await healthCheck('sn-check-all-in-one', env);
    return `gateway :${ports.gateway}; ${note}; HEALTHCHECK passes`;
  });
}

const needed = ['KAFKA_BROKERS', 'USER_DATABASE_URL', 'FRIEND_DATABASE_URL', 'RECOMMENDATION_DATABASE_URL', 'NEO4J_URL', 'PII_MASTER_KEY'];
/** The user service's master key: the one infra:up keeps for its databases, given to that image alone. */
const userOnly = ['PII_MASTER_KEY'];

export function distributedImages(root: string, logDir: string): Promise<string> {
  const infra = { ...readInfraEnv(join(root, '.infra/env')), ...(process.env as Record<string, string>) };
  const missing = needed.filter((name) => !infra[name]);
  if (missing.length) return Promise.reject(new Error(`missing ${missing.join(', ')}: run \`bun run infra:up\` first (it writes .infra/env)`));
  const engines = Object.fromEntries(['NEO4J_USER', 'NEO4J_PASSWORD', ...needed].filter((k) => infra[k] && !userOnly.includes(k)).map((k) => [k, infra[k]!]));
  const userKeys = Object.fromEntries(userOnly.map((k) => [k, infra[k]!]));
  return onFreePorts(async (ports, running) => {
    const token = newDiscoveryToken();
    const env = {
      ...engines, ...portVariables(ports),
      HOST: '127.0.0.1', ADVERTISED_HOST: '127.0.0.1', DISCOVERY_TOKEN: token, DISCOVERY_URL: `http://127.0.0.1:${ports.discovery}`,
      // Topics and consumer groups of their own, so other users of the same broker do not interfere.
      KAFKA_NAMESPACE: `images-${token.slice(0, 8)}`,
    };
    for (const module of modules) {
      running.push(await runImage(imageName(module), `sn-check-${module}`, module === 'user' ? { ...env, ...userKeys } : env, logDir));
      await waitFor(`${module} healthy`, () => ok(`http://127.0.0.1:${ports[module]}/actuator/health`), running);
    }
    const note = await driveGateway(`http://127.0.0.1:${ports.gateway}`, running);
    for (const module of modules) await healthCheck(`sn-check-${module}`, env);
    return `gateway :${ports.gateway}; ${note}; every HEALTHCHECK passes`;
  });
}

export const distributedModules = modules;
