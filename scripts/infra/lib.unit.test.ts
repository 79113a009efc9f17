// Process helpers, checked against this test process itself (nothing is started or stopped).
import { describe, expect, test } from 'bun:test';
import { cmdline, importClient, InfraError, isAlive, listenerPid, waitUntil } from './lib.ts';

describe('processes', () => {
  test('this process is alive and has a command line; a free pid is not', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(cmdline(process.pid)).toContain('bun');
    expect(isAlive(2 ** 22 + 1)).toBe(false); // above the kernel's pid_max ceiling
  });
  test('listenerPid finds who listens on a port, and nobody on a closed one', () => {
    const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    try {
      expect(listenerPid(server.port)).toBe(process.pid);
    } finally {
      server.stop(true);
    }
    expect(listenerPid(server.port)).toBeUndefined();
  });
});

describe('waitUntil', () => {
  test('returns once the probe says true', async () => {
    let n = 0;
    await waitUntil('x', 5, async () => (++n >= 2 ? true : 'not yet'), () => true, '/nonexistent.log');
    expect(n).toBe(2);
  });
  test('fails at once, naming the component and log, when the process has exited', async () => {
    const t0 = Date.now();
    const err = await waitUntil('kafka', 30, async () => 'refused', () => false, '/tmp/k.log').catch((e: Error) => e);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(String(err)).toContain('kafka: the process exited during start-up (last probe: refused); read /tmp/k.log');
  });
  test('gives up after its timeout with the last probe result', async () => {
    const err = await waitUntil('neo4j', 1, async () => 'auth failed', () => true, '/tmp/n.log').catch((e: Error) => e);
    expect(String(err)).toContain('neo4j: not answering after 1s (last probe: auth failed)');
  });
  test('an InfraError from the probe ends the wait at once', async () => {
    const err = await waitUntil('neo4j', 30, async () => { throw new InfraError('fatal'); }, () => true, '/x').catch((e: Error) => e);
    expect(err).toBeInstanceOf(InfraError);
  });
});

test('importClient says to run bun install when a client library is missing', async () => {
  const err = await importClient('kafka', () => import('no-such-package-here' as string), 'kafkajs').catch((e: Error) => e);
  expect(String(err)).toContain('kafka: cannot load kafkajs from node_modules');
  expect(String(err)).toContain('run `bun install` first');
});
