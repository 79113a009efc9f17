/**
 * The compiled binaries, as shipped: `bun run build` into a temp dir, then each binary started from
 * a working directory that is not the repository, so nothing can come from `src/` or
 * `node_modules/`. The all-in-one runs on embedded defaults; the domain binaries run on the real
 * engines of `bun run infra:up` (`.infra/env`), or are skipped, saying so, without them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { systemEnv } from '../test/harness/all-in-one';
import { eventually, freePorts, tempDir } from '../test/kits/processes';
import { build, type Built } from './build';
import { freshEngines, missingEngines, type Engines } from './build.engines';

interface Binary {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
  output(): string;
  stop(): Promise<number>;
}

const outdir = tempDir('sn-build-');
const cwd = tempDir('sn-cwd-');
const dataRoot = tempDir('sn-data-');
let built: Built[] = [];
const running: Binary[] = [];

/** Only what a container would have: no engine variables leak in from the test's environment. */
function start(name: string, env: Record<string, string>, args: string[] = []): Binary {
  const proc = Bun.spawn([join(outdir, name), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'warn', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let text = '';
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      for await (const chunk of stream) text += new TextDecoder().decode(chunk);
    })();
  }
  const binary = { name, proc, output: () => text, stop: () => (proc.kill('SIGTERM'), proc.exited) };
  if (!args.length) running.push(binary);
  return binary;
}

/** Runs `work`; a failure carries every running binary's output. */
async function explained(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const outputs = running.filter((b) => b.output()).map((b) => `--- ${b.name} ---\n${b.output()}`);
    throw new Error(`${(error as Error).message}\n${outputs.join('\n')}`);
  }
}

const healthy = (url: string) => fetch(`${url}/actuator/health`).then((r) => r.status === 200);

/** Until every URL answers 200; fails at once, with the binary's output, if it exits first. */
async function waitHealthy(binary: Binary, urls: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (binary.proc.exitCode === null) {
    if (await Promise.all(urls.map(healthy)).then((all) => all.every(Boolean), () => false)) return;
    if (Date.now() > deadline) throw new Error(`${binary.name}: ${urls.join(', ')} not healthy after ${timeoutMs} ms\n--- output ---\n${binary.output()}`);
    await Bun.sleep(100);
  }
  throw new Error(`${binary.name} exited with code ${binary.proc.exitCode}\n--- output ---\n${binary.output()}`);
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Two friendships through the gateway, then the friend of a friend is recommended. */
async function recommendationFlow(gateway: string) {
  const ids: number[] = [];
  for (const firstName of ['Ada', 'Grace', 'Edsger']) {
    const res = await api(gateway, 'POST', '/user/v1/users', { firstName, lastName: 'Binary' });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const [a, b, c] = ids as [number, number, number];
  expect((await api(gateway, 'POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`)).status).toBe(201);
  expect((await api(gateway, 'POST', `/friend/v1/users/${b}/commands/addFriend?friendId=${c}`)).status).toBe(201);
  await eventually('recommendation projected', async () => {
    const res = await api(gateway, 'GET', `/recommendation/v1/users/${a}/commands/recommendFriends`);
    return res.status === 200 && res.body.length === 1 && res.body[0].user.id === c && res.body[0].weight === 1;
  }, 30_000);
}

/** The web console: its page, and its script (Cytoscape.js and the console's own code) read from beside the binary. */
async function expectConsole(gateway: string) {
  const page = await fetch(`${gateway}/console`);
  expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
  expect(await page.text()).toContain('/console/assets/console.js');
  const script = await fetch(`${gateway}/console/assets/console.js`);
  expect({ status: script.status, cache: script.headers.get('cache-control') }).toEqual({ status: 200, cache: 'no-cache' });
  expect(await script.text()).toContain('/recommendation/v1/events/stream');
}

beforeAll(async () => {
  const started = performance.now();
  built = await build({ outdir });
  console.log(`built ${built.length} binaries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((b) => (b.proc.exitCode === null ? b.stop() : undefined)));
  rmSync(outdir, { recursive: true, force: true });
  for (const dir of [cwd, dataRoot]) rmSync(dir, { recursive: true, force: true });
});

describe('bun run build', () => {
  test('makes one executable per entrypoint and ships the migrations beside them', () => {
    expect(built.map((b) => b.name)).toEqual(['user', 'friend', 'recommendation', 'discovery', 'gateway', 'all-in-one']);
    for (const module of ['user', 'friend', 'recommendation']) {
      expect(existsSync(join(outdir, 'migrations', module, 'meta', '_journal.json'))).toBe(true);
    }
    // A compiled gateway has no sources to bundle: the console's script ships beside it.
    expect(existsSync(join(outdir, 'console', 'console.js'))).toBe(true);
  });
});

describe('dist/all-in-one, started from another directory on embedded defaults', () => {
  test('serves the API, Swagger UI and its health probe, and stops cleanly', async () => {
    const data = join(dataRoot, 'nested', 'data');
    const env = systemEnv(data);
    const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const binary = start('all-in-one', env);
    await waitHealthy(binary, ['/user', '/friend', '/recommendation'].map((p) => gateway + p));
    await explained(() => recommendationFlow(gateway));

    const page = await fetch(`${gateway}/swagger`);
    expect(page.status).toBe(200);
    const bundle = await fetch(`${gateway}/swagger/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    await expectConsole(gateway);

    expect(await start('all-in-one', env, ['--health']).proc.exited).toBe(0);
    expect(await binary.stop()).toBe(0);
    expect(await start('all-in-one', env, ['--health']).proc.exited).toBe(1);
    expect(existsSync(join(data, 'user'))).toBe(true);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  }, 120_000);
});

describe('discovery and gateway binaries', () => {
  test('answer their health endpoints', async () => {
    const [discoveryPort, gatewayPort] = freePorts(2) as [number, number];
    const DISCOVERY_TOKEN = 'b'.repeat(64);
    const discovery = start('discovery', { HOST: '127.0.0.1', DISCOVERY_PORT: String(discoveryPort), DISCOVERY_TOKEN });
    await waitHealthy(discovery, [`http://127.0.0.1:${discoveryPort}`]);
    const env = { HOST: '127.0.0.1', GATEWAY_PORT: String(gatewayPort), DISCOVERY_URL: `http://127.0.0.1:${discoveryPort}`, DISCOVERY_TOKEN };
    const gateway = start('gateway', env);
    // Ready means routable: DOWN while no instance of a routed service is registered.
    let down: Response | undefined;
    for (let i = 0; i < 100 && !down; i++) down = await fetch(`http://127.0.0.1:${gatewayPort}/actuator/health`).catch(() => Bun.sleep(100).then(() => undefined));
    expect(down?.status).toBe(503);
    expect(await start('gateway', env, ['--health']).proc.exited).toBe(1);
    // A stand-in instance that passes the health check, registered for every routed service.
    const standIn = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => Response.json({ status: 'UP' }) });
    try {
      for (const service of ['user', 'friend', 'recommendation']) {
        const registered = await fetch(`http://127.0.0.1:${discoveryPort}/v1/instances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${DISCOVERY_TOKEN}` },
          body: JSON.stringify({ service, instanceId: `${service}-stand-in`, url: `http://127.0.0.1:${standIn.port}` }),
        });
        expect(registered.status).toBe(201);
      }
      await waitHealthy(gateway, [`http://127.0.0.1:${gatewayPort}`]);
      await expectConsole(`http://127.0.0.1:${gatewayPort}`);
      expect(await start('gateway', env, ['--health']).proc.exited).toBe(0);
    } finally {
      standIn.stop(true);
    }
    expect(await gateway.stop()).toBe(0);
    expect(await discovery.stop()).toBe(0);
  }, 60_000);
});

const missing = missingEngines();
if (missing.length) console.warn(`skipping the domain binaries on real engines: ${missing.join(', ')} not set (run bun run infra:up and . .infra/env)`);

describe('user, friend and recommendation binaries on PostgreSQL, Kafka and Neo4j', () => {
  let engines: Engines | undefined;
  afterAll(async () => {
    await Promise.all(running.map((b) => (b.proc.exitCode === null ? b.stop() : undefined)));
    await engines?.drop();
  }, 60_000);

  test.skipIf(missing.length > 0)(`each answers its health endpoint, and together they serve the API${missing.length ? ' (skipped: needs .infra/env)' : ''}`, async () => {
    engines = await freshEngines('build');
    const [discoveryPort, gatewayPort, userPort, friendPort, recommendationPort] = freePorts(5) as [number, number, number, number, number];
    const env = {
      ...engines.env,
      HOST: '127.0.0.1',
      DISCOVERY_URL: `http://127.0.0.1:${discoveryPort}`,
      DISCOVERY_PORT: String(discoveryPort),
      DISCOVERY_TOKEN: 'c'.repeat(64),
      GATEWAY_PORT: String(gatewayPort),
      USER_PORT: String(userPort),
      FRIEND_PORT: String(friendPort),
      RECOMMENDATION_PORT: String(recommendationPort),
      HEARTBEAT_INTERVAL_MS: '300',
      GATEWAY_REFRESH_MS: '200',
    };
    const at = (port: number) => `http://127.0.0.1:${port}`;
    const discovery = start('discovery', env);
    await waitHealthy(discovery, [at(discoveryPort)]);
    const ports = { user: userPort, friend: friendPort, recommendation: recommendationPort };
    // All at once, as Compose and Kubernetes start them: on a fresh namespace they race to create
    // the same topics, and each must wait for the partitions' leaders rather than exit.
    const domain = (['user', 'friend', 'recommendation'] as const).map((name) => ({ name, binary: start(name, env) }));
    await Promise.all(domain.map(({ name, binary }) => waitHealthy(binary, [at(ports[name])])));
    for (const { name } of domain) expect(await start(name, env, ['--health']).proc.exited).toBe(0);
    const gateway = start('gateway', env);
    await waitHealthy(gateway, ['/user', '/friend', '/recommendation'].map((p) => at(gatewayPort) + p));
    await explained(() => recommendationFlow(at(gatewayPort)));
    for (const { binary } of [...domain, { binary: gateway }, { binary: discovery }]) expect(await binary.stop()).toBe(0);
  }, 180_000);
});
