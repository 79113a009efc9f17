import { afterAll, describe, expect, test } from 'bun:test';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { spawnChild, tempDir, entrypointFile } from '../kits/processes';
import { systemEnv } from '../harness/all-in-one';

/**
 * A port held by another system, which (as Elysia does by default) allows SO_REUSEPORT: a process
 * that allowed it too would bind next to it and take half its connections without a word.
 */
function holdPort() {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, reusePort: true, fetch: () => new Response('the other system') });
  return { port: server.port!, release: () => server.stop(true) };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('a port already in use', () => {
  test('stops a one-module process at start-up, naming the port and its variable', async () => {
    const held = holdPort();
    try {
      const env = { HOST: '127.0.0.1', DISCOVERY_PORT: String(held.port), DISCOVERY_TOKEN: randomBytes(32).toString('hex') };
      const second = spawnChild(entrypointFile('discovery'), env);
      expect(await second.proc.exited).toBe(5);
      expect(second.output()).toContain(`port ${held.port} is in use (DISCOVERY_PORT)`);
      // The holder still gets every connection.
      expect(await (await fetch(`http://127.0.0.1:${held.port}/`)).text()).toBe('the other system');
    } finally {
      held.release();
    }
  });

  test('stops an all-in-one on another DATA_DIR, naming the port and its variable', async () => {
    const held = holdPort();
    const dataDir = tempDir('port-in-use-');
    dirs.push(dataDir);
    try {
      const second = spawnChild(entrypointFile('all-in-one'), systemEnv(dataDir, { USER_PORT: String(held.port) }));
      expect(await second.proc.exited).toBe(5);
      expect(second.output()).toContain(`port ${held.port} is in use (USER_PORT)`);
    } finally {
      held.release();
    }
  }, 60_000);
});
