import { afterAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { eventually, spawnChild, tempDir, type RunningProcess, entrypointFile } from '../kits/processes';
import { systemEnv } from '../harness/all-in-one';

/**
 * `ready` means ready: from the moment the all-in-one logs it, the gateway routes to every module.
 * It used to answer 503 "no live instance" for about a second after it (the gateway had cached the
 * empty lists it read before the modules registered). The gateway's refresh is left at its default
 * here, as that second was the length of one refresh.
 */
const dataDir = tempDir('all-in-one-ready-');
let system: RunningProcess | undefined;
afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('right after `ready`, requests through the gateway reach every module, none gets 503', async () => {
  const env = systemEnv(dataDir, { LOG_LEVEL: 'info', GATEWAY_REFRESH_MS: '1000' });
  system = spawnChild(entrypointFile('all-in-one'), env);
  const running = system;
  await eventually('the ready line', async () => {
    if (running.proc.exitCode !== null) throw new Error(`exited:\n${running.output()}`);
    return running.output().split('\n').some((line) => line.includes('"msg":"ready"'));
  }, 60_000);

  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const statuses: number[] = [];
  for (let round = 0; round < 10; round++) {
    const replies = await Promise.all([
      fetch(`${gateway}/user/v1/users/1`),
      fetch(`${gateway}/friend/v1/users/1/friends`),
      fetch(`${gateway}/recommendation/v1/users/1/commands/recommendFriends`),
      fetch(`${gateway}/actuator/health`),
    ]);
    for (const reply of replies) {
      await reply.arrayBuffer();
      statuses.push(reply.status);
    }
  }
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(statuses).toHaveLength(40);
}, 90_000);
