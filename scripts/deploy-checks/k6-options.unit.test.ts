/**
 * What the k6 scripts would gate on, without k6: each script runs here against a stand-in for
 * `k6/http` that records its requests. A healthy system must pass (a 409 from addFriend is declared
 * expected, nothing else is), and every endpoint a script calls must have its latency gate (a gate
 * on a name no request carries would never be evaluated).
 */
import { beforeAll, describe, expect, mock, test } from 'bun:test';
import { join } from 'node:path';

interface Request {
  method: string;
  url: string;
  params: { tags?: { name?: string }; responseCallback?: { expected: unknown[] } };
}
const requests: Request[] = [];
let nextId = 1;
const reply = (status: number) => ({ status, json: () => nextId++ });

beforeAll(() => {
  mock.module('k6/http', () => ({
    default: {
      // The stand-in's callback is what it was declared with, so the test can read it.
      expectedStatuses: (...expected: unknown[]) => ({ expected }),
      get: (url: string, params: Request['params'] = {}) => (requests.push({ method: 'GET', url, params }), reply(200)),
      post: (url: string, _body: unknown, params: Request['params'] = {}) => (requests.push({ method: 'POST', url, params }), reply(201)),
    },
  }));
  mock.module('k6', () => ({ check: () => true, fail: (message: string) => { throw new Error(message); } }));
  Object.assign(globalThis, { __ENV: { USERS: '20' }, __ITER: 0 });
});

const k6Dir = join(import.meta.dir, '..', '..', 'deploy', 'k6');
/** Imports a script (untyped: plain JavaScript) and runs its setup and `iterations` arrivals. */
async function run(script: string, iterations = 400) {
  const module = await import(join(k6Dir, script));
  requests.length = 0;
  const data = module.setup?.();
  for (let i = 0; i < iterations; i++) module.default(data);
  return { options: module.options, requests: [...requests] };
}

const latencyGates = (thresholds: Record<string, string[]>) =>
  Object.keys(thresholds).flatMap((key) => /^http_req_duration\{name:(\w+)\}$/.exec(key)?.[1] ?? []).sort();

describe.each(['signup.js', 'befriend.js', 'browse.js', 'mixed.js', 'ramp.js'])('%s', (script) => {
  test('every request is tagged with its endpoint, and every endpoint called has a p95 and p99 gate', async () => {
    const { options, requests } = await run(script);
    const called = [...new Set(requests.map((r) => r.params.tags?.name))].sort();
    expect(called).not.toContain(undefined);
    expect(latencyGates(options.thresholds)).toEqual(called as string[]);
    for (const name of called) expect(options.thresholds[`http_req_duration{name:${name}}`]).toEqual([expect.stringMatching(/^p\(95\)<\d+$/), expect.stringMatching(/^p\(99\)<\d+$/)]);
    expect(options.thresholds.http_req_failed).toEqual(['rate<0.01']);
  });

  test('409 is an expected answer of addFriend, and of nothing else', async () => {
    const { requests } = await run(script);
    for (const { params } of requests) {
      if (params.tags?.name === 'addFriend') expect(params.responseCallback?.expected).toEqual([{ min: 200, max: 299 }, 409]);
      else expect(params.responseCallback).toBeUndefined();
    }
  });
});

test('ramp.js ramps the arrival rate up to twice RATE and back to zero, under the gateway limit of 500/s per client', async () => {
  const { options } = await run('ramp.js', 0);
  const [scenario] = Object.values(options.scenarios) as { executor: string; stages: { target: number }[] }[];
  expect(scenario!.executor).toBe('ramping-arrival-rate');
  expect(scenario!.stages.map((s) => s.target)).toEqual([100, 100, 200, 200, 0]);
});
