/**
 * Runs images' executables with `buildah run --isolation chroot --network host` (the container's
 * own root file system, user and environment; the host's network, so they serve on 127.0.0.1) and
 * drives the system through the gateway: health of every routed module, users, a friendship, a
 * recommendation.
 */
import type { Subprocess } from 'bun';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { isolation, removeContainer, sh } from './buildah';
import { friendPaths } from '../../src/modules/friend/contracts/http';

export interface Running {
  name: string;
  proc: Subprocess;
  log: string;
}

/** Every container started and not yet stopped, so an interrupted check can stop them too. */
const live = new Set<Running>();

/** Starts `/app/service` of `image` in a fresh working container named `name`. */
export async function runImage(image: string, name: string, env: Record<string, string>, logDir: string): Promise<Running> {
  await removeContainer(name);
  await sh(['buildah', 'from', '--pull=never', '--name', name, image]);
  const log = join(logDir, `${name}.log`);
  const out = createWriteStream(log);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const proc = Bun.spawn(['buildah', 'run', ...isolation, '--network', 'host', ...envArgs, name, '--', '/app/service'], { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' });
  const pipe = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out.write(chunk);
  };
  void Promise.all([pipe(proc.stdout), pipe(proc.stderr)]).finally(() => out.end());
  const running = { name, proc, log };
  live.add(running);
  return running;
}

/** Stops whatever is still running (Ctrl-C, SIGTERM). */
export const stopLive = () => stopAll([...live]);

/** The image's HEALTHCHECK command (`/app/service --health`), run beside the server in its container. */
export async function healthCheck(name: string, env: Record<string, string>): Promise<void> {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  await sh(['buildah', 'run', ...isolation, '--network', 'host', ...envArgs, name, '--', '/app/service', '--health']);
}

/** SIGTERM to each `buildah run` (which then kills its executable: a graceful stop is not what this check shows), SIGKILL after a grace period, then removes the containers. */
export async function stopAll(running: Running[], graceMs = 10_000): Promise<void> {
  for (const r of [...running].reverse()) r.proc.kill('SIGTERM');
  const timer = setTimeout(() => running.forEach((r) => r.proc.exitCode === null && r.proc.kill('SIGKILL')), graceMs);
  await Promise.all(running.map((r) => r.proc.exited));
  clearTimeout(timer);
  for (const r of running) {
    live.delete(r);
    await removeContainer(r.name);
  }
}

export async function waitFor(what: string, check: () => Promise<boolean>, running: Running[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = running.find((r) => r.proc.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited with code ${dead.proc.exitCode} while waiting for ${what}; see ${dead.log}`);
    if (await check().catch(() => false)) return;
    await Bun.sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

const ok = (url: string) => fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200);

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the message
  }
  return { status: res.status, json };
}

function expect(what: string, got: { status: number; json: any }, status: number): any {
  if (got.status !== status) throw new Error(`${what}: expected ${status}, got ${got.status} ${JSON.stringify(got.json).slice(0, 300)}`);
  return got.json;
}

/** The scenario, through the gateway at `gateway`: returns what it did, for the summary. */
export async function driveGateway(gateway: string, running: Running[]): Promise<string> {
  for (const module of ['user', 'friend', 'recommendation']) await waitFor(`${module} healthy through the gateway`, () => ok(`${gateway}/${module}/actuator/health`), running);
  const create = async (firstName: string) => expect(`create ${firstName}`, await call('POST', `${gateway}/user/v1/users`, { firstName, lastName: 'Image' }), 201).id as number;
  const [ada, bob, cy] = [await create('Ada'), await create('Bob'), await create('Cy')];
  expect('get Ada', await call('GET', `${gateway}/user/v1/users/${ada}`), 200);
  // Friend checks both users exist through its own view of user events: eventually consistent.
  for (const [a, b] of [[ada, bob], [bob, cy]] as const) {
    let last = { status: 0, json: null as any };
    await waitFor(`addFriend ${a} -> ${b}`, async () => (last = await call('POST', `${gateway}/friend${friendPaths.addFriend(a, b)}`)).status === 201, running, 30_000)
      .catch((error) => { throw new Error(`${(error as Error).message}; last answer ${last.status} ${JSON.stringify(last.json).slice(0, 300)}`); });
  }
  // Ada's friend Bob knows Cy: Cy is recommended to Ada, with one mutual friend.
  let suggestions: { user: { id: number }; weight: number }[] = [];
  await waitFor('recommendation of Cy to Ada', async () => {
    suggestions = expect('recommendFriends', await call('GET', `${gateway}/recommendation/v1/users/${ada}/commands/recommendFriends`), 200);
    return suggestions.some((s) => s.user.id === cy && s.weight === 1);
  }, running, 30_000);
  // The console's script is bundled at build time and read from beside the executable in the image.
  const script = await fetch(`${gateway}/console/assets/console.js`, { signal: AbortSignal.timeout(10_000) });
  const text = await script.text();
  if (script.status !== 200 || !text.includes('/recommendation/v1/events/stream')) throw new Error(`the console's script: ${script.status} ${text.slice(0, 200)}`);
  return `users ${ada}, ${bob}, ${cy}; friendships ${ada}-${bob}, ${bob}-${cy}; ${cy} recommended to ${ada}; console served`;
}
