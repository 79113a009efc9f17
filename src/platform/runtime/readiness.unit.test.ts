import { expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { createLogger } from '../log';
import type { ModuleInstance } from './module';
import { NotReadyError, untilReady } from './readiness';

const waitingModule = (name: string, pending: () => string[]): ModuleInstance => ({ name, app: new Elysia(), pending: async () => pending() });

test('returns once no module waits for anything', async () => {
  let checks = 0;
  const gateway = waitingModule('gateway', () => (++checks < 3 ? ['a live instance of user'] : []));
  await untilReady([gateway, { name: 'user', app: new Elysia() }], { log: createLogger({}, 'error'), warnEveryMs: 60_000 });
  expect(checks).toBe(3);
});

test('with a bound, fails naming what it still waits for, after warning about it', async () => {
  const lines: string[] = [];
  const log = createLogger({}, 'info', (line) => lines.push(line));
  const gateway = waitingModule('gateway', () => ['a live instance of friend']);
  const waiting = untilReady([gateway], { log, warnEveryMs: 20, giveUpAfterMs: 100 });
  await expect(waiting).rejects.toBeInstanceOf(NotReadyError);
  await expect(waiting).rejects.toThrow('still waiting for gateway: a live instance of friend');
  expect(lines.some((line) => line.includes('not ready yet') && line.includes('gateway: a live instance of friend'))).toBe(true);
});
