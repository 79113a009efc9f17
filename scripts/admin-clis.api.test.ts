// The admin CLIs as child processes (scripts/migrate.ts, scripts/projection.ts, which share
// lib/admin-job.ts) against the real modules they drive, each served on a port of this process
// with an embedded store: their output and exit codes. What encrypt-history does to data an
// earlier release wrote is test/system/upgrade.e2e.test.ts's.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { systemClock } from '../src/platform/clock';
import { openEmbeddedDatabase } from '../src/platform/db/embedded';
import { InProcessBus } from '../src/platform/events/in-process-bus';
import { silentLogger } from '../src/platform/log';
import { Metrics } from '../src/platform/metrics/metrics';
import { FRIEND_EVENTS_TOPIC } from '../src/modules/friend/contracts/events';
import { createRecommendationModule, recommendationMigrationsFolder } from '../src/modules/recommendation';
import { createUserModule, USER_EVENTS_TOPIC, userMigrationsFolder } from '../src/modules/user';
import { eventFactory } from '../test/kits/recommendation/events';
import { testMasterKey } from '../test/kits/user-keys';

const TOKEN = 'c'.repeat(40);
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** Serves a module's app on a free port of this process, for a child process to call. */
function serve(app: { handle(request: Request): Response | Promise<Response> }): string {
  const server = Bun.serve({ port: 0, fetch: (request) => app.handle(request) });
  stops.push(async () => server.stop(true));
  return `http://127.0.0.1:${server.port}`;
}

/** Runs a CLI without blocking this process, which serves what it calls. */
async function cli(script: string, args: string[]): Promise<{ exit: number; out: string; err: string }> {
  const child = Bun.spawn(['bun', `scripts/${script}.ts`, ...args], { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, ADMIN_TOKEN: '' } });
  const [out, err, exit] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exit, out, err };
}

describe('bun run migrate -- encrypt-history', () => {
  let url: string;
  beforeAll(async () => {
    const database = await openEmbeddedDatabase({ migrationsFolder: userMigrationsFolder, label: 'user' });
    const user = createUserModule({ masterKey: testMasterKey, database, bus: new InProcessBus(), clock: systemClock, log: silentLogger, admin: { token: TOKEN, openWithoutToken: false } });
    stops.push(() => database.close(), () => user.stop());
    url = serve(user.app);
  });

  test('starts the run, follows it on stderr, and sums it up on stdout: exit 0', async () => {
    const run = await cli('migrate', ['encrypt-history', '--url', url, '--token', TOKEN]);
    expect(run.exit).toBe(0);
    expect(run.out).toMatch(/^encrypt-history done: 0 events sealed, 0 events of erased users shredded, 0 read-model rows sealed in \d+\.\d s\n$/);
    expect(run.err.trim().split('\n').at(-1)).toMatch(/^done +0\/0 +100%/);
  });

  test('a refusal is exit 2: the call, the service\'s reason, then the usage', async () => {
    const run = await cli('migrate', ['encrypt-history', '--url', url]);
    expect(run.exit).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^POST \/admin\/history\/encrypt answered 401: .+\nusage: bun run migrate -- encrypt-history/);
  });
});

describe('bun run projection', () => {
  let url: string;
  beforeAll(async () => {
    const database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
    const bus = new InProcessBus();
    const module = createRecommendationModule({ database, bus, log: silentLogger, metrics: new Metrics({ service: 'recommendation' }), admin: { token: TOKEN, openWithoutToken: false } });
    await module.connect();
    stops.push(() => database.close(), () => bus.close(), () => module.stop());
    const e = eventFactory();
    await bus.publish(USER_EVENTS_TOPIC, [1, 2, 3].map((id) => e.userCreated(id)));
    await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendAdded(1, 2), e.friendAdded(2, 3)]);
    url = serve(module.app);
  });

  test('status prints the log and the graph: exit 0', async () => {
    const run = await cli('projection', ['status', '--url', url, '--token', TOKEN]);
    expect(run.exit).toBe(0);
    expect(run.out).toContain('log        5 events');
    expect(run.out).toContain('graph      3 users, 2 friendships');
  });

  test('rebuild starts a rebuild, follows it on stderr, and sums it up on stdout: exit 0', async () => {
    const run = await cli('projection', ['rebuild', '--url', url, '--token', TOKEN]);
    expect(run.exit).toBe(0);
    expect(run.out).toMatch(/^rebuilt the graph from 5 events in \d+\.\d s \(\d+ events\/s\)\n$/);
    expect(run.err.trim().split('\n').at(-1)).toMatch(/^rebuild +5\/5 +100%/);
  });

  test('a refusal is exit 2: the call, the service\'s reason, then the usage', async () => {
    const run = await cli('projection', ['rebuild', '--url', url, '--token', 'wrong'.repeat(8)]);
    expect(run.exit).toBe(2);
    expect(run.err).toMatch(/^POST \/admin\/projection\/rebuild answered 401: .+\nusage: bun run projection -- /);
  });
});
