import { afterAll, expect, test } from 'bun:test';
import { eventually, spawnChild, type RunningProcess, entrypointFile } from '../kits/processes';

/** One-module processes, started as an operator would, without DISCOVERY_TOKEN. */
const started: RunningProcess[] = [];
afterAll(() => started.forEach((p) => p.proc.exitCode === null && p.proc.kill('SIGKILL')));
const run = (module: string, env: Record<string, string>) => {
  const p = spawnChild(entrypointFile(module), { DISCOVERY_TOKEN: '', HOST: '127.0.0.1', ...env });
  started.push(p);
  return p;
};

test.each(['discovery', 'user', 'gateway'])('%s refuses to start without DISCOVERY_TOKEN, saying how to set one', async (module) => {
  const p = run(module, { DISCOVERY_PORT: '0', USER_PORT: '0', GATEWAY_PORT: '0' });
  expect(await p.proc.exited).toBe(2);
  expect(p.output()).toContain('DISCOVERY_TOKEN is required');
  expect(p.output()).toContain('openssl rand -hex 32');
}, 30_000);

test('a gateway with fixed upstreams starts without one', async () => {
  const port = 27_000 + Math.floor(Math.random() * 1_000);
  const p = run('gateway', { GATEWAY_PORT: String(port), GATEWAY_UPSTREAMS: 'user=http://127.0.0.1:9,friend=http://127.0.0.1:9,recommendation=http://127.0.0.1:9' });
  await eventually('the gateway to answer its health', async () => {
    if (p.proc.exitCode !== null) throw new Error(`exited: ${p.output()}`);
    return (await fetch(`http://127.0.0.1:${port}/actuator/health`).catch(() => undefined))?.status === 200;
  }, 20_000);
  expect(await p.stop()).toBe(0);
}, 30_000);
