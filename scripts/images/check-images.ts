/**
 * `bun run check:images`: builds every image of the Dockerfile without a Docker engine and runs
 * them. buildah (chroot isolation) builds on bases made here by mmdebstrap (bases.ts), as the
 * public registries may be out of reach; then each image's executable runs in its own root file
 * system on the host network and the system is driven through the gateway: the all-in-one image
 * alone, then the five distributed images on the engines of `bun run infra:up` (.infra/env).
 * Ends with a table of image sizes and times; exits non-zero on any failure. Needs root (buildah
 * chroot, mmdebstrap), and installs both with apt when missing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../src/platform/testing/processes';
import { newDiscoveryToken } from '../../src/entrypoints/cluster';
import type { Entrypoint } from '../build';
import { readInfraEnv } from '../lib/infra-env';
import { ensureBase } from './bases';
import { ensureTools, imageSize } from './buildah';
import { buildahDockerfile, buildImage, imageName, pruneStaleLayers, targets } from './build-images';
import { driveGateway, healthCheck, runImage, stopAll, waitFor, type Running } from './drive';

const root = join(import.meta.dir, '..', '..');
const work = tempDir('sn-check-images-');
const logDir = join(work, 'logs');
mkdirSync(logDir, { recursive: true });
const started = performance.now();
const results: { name: string; ok: boolean; s: number; note?: string }[] = [];
const log = (line: string) => console.log(`..    ${line}`);

async function step<T>(name: string, work: () => Promise<T>, note?: (value: T) => string): Promise<T | undefined> {
  const t = performance.now();
  try {
    const value = await work();
    const s = (performance.now() - t) / 1000;
    results.push({ name, ok: true, s, note: note?.(value) });
    console.log(`ok    ${name}${note ? ` (${note(value)})` : ''}  ${s.toFixed(1)} s`);
    return value;
  } catch (error) {
    results.push({ name, ok: false, s: (performance.now() - t) / 1000 });
    console.log(`FAIL  ${name}\n${String((error as Error).message).replace(/^/gm, '      ')}`);
    return undefined;
  }
}

const ok = (url: string) => fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200);

await step('buildah and mmdebstrap', () => ensureTools(log));
const bases = await step('base images (mmdebstrap, cached in buildah storage)', async () => {
  const [builder, runtime] = await Promise.all([ensureBase('builder', log), ensureBase('runtime', log)]);
  return { builder, runtime };
}, (b) => `${b.builder.made || b.runtime.made ? 'made' : 'reused'}: ${b.builder.name}, ${b.runtime.name}`);

const built: Entrypoint[] = [];
const reused = new Set<string>();
const buildStarted = new Date();
if (bases) {
  const dockerfile = buildahDockerfile(root, work);
  const names = { builder: bases.builder.name, runtime: bases.runtime.name };
  // One at a time: the first target runs the shared build stage, the others reuse its layers.
  for (const target of targets) {
    const cached = await step(`build ${imageName(target)}`, () => buildImage(root, dockerfile, target, names), (ids) => `${ids.length} cached steps`);
    if (!cached) continue;
    built.push(target);
    cached.forEach((id) => reused.add(id));
  }
}
if (built.length === targets.length) await step('prune layer caches this build did not reuse', () => pruneStaleLayers(buildStarted, reused), (n) => `${n} removed`);
const sizes = new Map<Entrypoint, string>();
for (const target of built) sizes.set(target, await imageSize(imageName(target)));

// Ports of the range reserved for this check, so it can run beside a development cluster.
const token = newDiscoveryToken();
if (built.includes('all-in-one')) {
  const ports = { GATEWAY_PORT: '39100', DISCOVERY_PORT: '39101', USER_PORT: '39102', FRIEND_PORT: '39103', RECOMMENDATION_PORT: '39104' };
  const env = { ...ports, HOST: '127.0.0.1', DISCOVERY_TOKEN: token };
  const running: Running[] = [];
  await step('all-in-one image through its gateway', async () => {
    running.push(await runImage(imageName('all-in-one'), 'sn-check-all-in-one', env, logDir));
    const note = await driveGateway(`http://127.0.0.1:${ports.GATEWAY_PORT}`, running);
    await healthCheck('sn-check-all-in-one', env);
    return `${note}; HEALTHCHECK passes`;
  }, (note) => note);
  await stopAll(running);
}

const distributed = ['discovery', 'user', 'friend', 'recommendation', 'gateway'] as const;
if (distributed.every((m) => built.includes(m))) {
  const running: Running[] = [];
  await step('five distributed images on the engines, through the gateway', async () => {
    const infra = { ...readInfraEnv(join(root, '.infra/env')), ...(process.env as Record<string, string>) };
    const needed = ['KAFKA_BROKERS', 'USER_DATABASE_URL', 'FRIEND_DATABASE_URL', 'RECOMMENDATION_DATABASE_URL', 'NEO4J_URL'];
    const missing = needed.filter((name) => !infra[name]);
    if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`bun run infra:up\` first (it writes .infra/env)`);
    const ports = { discovery: 39201, user: 39202, friend: 39203, recommendation: 39204, gateway: 39200 };
    const engines = Object.fromEntries(['NEO4J_USER', 'NEO4J_PASSWORD', ...needed].filter((k) => infra[k]).map((k) => [k, infra[k]!]));
    const env = {
      ...engines,
      HOST: '127.0.0.1', ADVERTISED_HOST: '127.0.0.1', DISCOVERY_TOKEN: token,
      DISCOVERY_URL: `http://127.0.0.1:${ports.discovery}`,
      // Topics and consumer groups of their own, so other users of the same broker do not interfere.
      KAFKA_NAMESPACE: `images-${token.slice(0, 8)}`,
      DISCOVERY_PORT: String(ports.discovery), USER_PORT: String(ports.user), FRIEND_PORT: String(ports.friend),
      RECOMMENDATION_PORT: String(ports.recommendation), GATEWAY_PORT: String(ports.gateway),
    };
    for (const module of distributed) {
      running.push(await runImage(imageName(module), `sn-check-${module}`, env, logDir));
      await waitFor(`${module} healthy`, () => ok(`http://127.0.0.1:${ports[module]}/actuator/health`), running);
    }
    const note = await driveGateway(`http://127.0.0.1:${ports.gateway}`, running);
    for (const module of distributed) await healthCheck(`sn-check-${module}`, env);
    return `${note}; every HEALTHCHECK passes`;
  }, (note) => note);
  await stopAll(running);
}

const failed = results.filter((r) => !r.ok);
// Uncompressed, as stored here; a registry holds the layers compressed.
console.log(`\n${'image'.padEnd(60)} size (uncompressed)`);
for (const [target, size] of sizes) console.log(`${imageName(target).padEnd(60)} ${size}`);
if (bases) for (const base of [bases.builder.name, bases.runtime.name]) console.log(`${base.padEnd(60)} ${await imageSize(base)}`);
console.log(`\ncheck:images: ${results.length - failed.length} passed, ${failed.length} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const r of failed) console.log(`  failed: ${r.name}`);
if (failed.length) console.log(`  logs of the containers: ${logDir}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
