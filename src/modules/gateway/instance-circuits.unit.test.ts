import { expect, test } from 'bun:test';
import { silentLogger } from '../../platform/log';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { Metrics } from '../../platform/metrics/metrics';
import type { CircuitBreaker } from './circuit-breaker';
import { createInstanceCircuits } from './instance-circuits';

function clocked(options: { forgetAfterMs?: number } = {}) {
  const clock = { now: 0 };
  const metrics = new Metrics({ service: 'gateway' });
  const circuits = createInstanceCircuits({ failures: 1, failureRatio: 0.5, minRequests: 20, windowMs: 1_000, openMs: 1_000, services: ['user', 'friend'], metrics, log: silentLogger, now: () => clock.now, ...options })!;
  const state = async (upstream: string) => sumOf(parseExposition(await metrics.text()), 'gateway_circuit_state', { upstream });
  return { circuits, clock, state };
}

const fail = (breaker: CircuitBreaker) => breaker.record(breaker.admit() as 'pass', 'failure');

test('one breaker per instance: an instance failing opens its own circuit, not its neighbour\'s', () => {
  const { circuits } = clocked();
  fail(circuits.of('friend', 'friend-1'));
  expect(circuits.of('friend', 'friend-1').state).toBe('open');
  expect(circuits.of('friend', 'friend-2').state).toBe('closed');
  expect(circuits.of('user', 'friend-1').state).toBe('closed'); // ids are per service
});

test('gateway_circuit_state per service: 0 all closed, 0.5 some open or half-open, 1 all open; from the first scrape', async () => {
  const { circuits, clock, state } = clocked();
  expect([await state('user'), await state('friend')]).toEqual([0, 0]);
  circuits.of('friend', 'friend-2');
  fail(circuits.of('friend', 'friend-1'));
  expect([await state('user'), await state('friend')]).toEqual([0, 0.5]);
  fail(circuits.of('friend', 'friend-2'));
  expect(await state('friend')).toBe(1);
  clock.now = 1_000; // both open periods over: half-open, a trial is due
  expect(await state('friend')).toBe(0.5);
  const trial = circuits.of('friend', 'friend-1');
  trial.record(trial.admit() as 'trial', 'success');
  const other = circuits.of('friend', 'friend-2');
  other.record(other.admit() as 'trial', 'success');
  expect(await state('friend')).toBe(0);
  // One instance, as with a fixed upstream: its state is the service's.
  fail(circuits.of('user', 'http://user:8080'));
  expect(await state('user')).toBe(1);
});

test('instances not seen for a while are forgotten, however often others are', async () => {
  const { circuits, clock, state } = clocked({ forgetAfterMs: 10_000 });
  fail(circuits.of('friend', 'gone'));
  circuits.of('friend', 'kept');
  expect(await state('friend')).toBe(0.5);
  for (let t = 1_000; t <= 10_000; t += 1_000) {
    clock.now = t;
    circuits.of('friend', 'kept');
  }
  // Swept when a new instance shows up, and at every scrape.
  circuits.of('friend', 'new');
  expect(circuits.tracked('friend').sort()).toEqual(['kept', 'new']);
  expect(await state('friend')).toBe(0);
  clock.now = 30_000;
  expect(await state('friend')).toBe(0);
  expect(circuits.tracked('friend')).toEqual([]);
  // A forgotten instance that comes back starts closed.
  expect(circuits.of('friend', 'gone').state).toBe('closed');
});

test('0 failures and a 0 failure ratio switch circuit breaking off; either alone leaves it on', () => {
  const options = { minRequests: 20, windowMs: 1_000, openMs: 1_000, services: ['user'], metrics: new Metrics(), log: silentLogger };
  expect(createInstanceCircuits({ ...options, failures: 0, failureRatio: 0 })).toBeUndefined();
  expect(createInstanceCircuits({ ...options, failures: 0, failureRatio: 0.5 })).toBeDefined();
  expect(createInstanceCircuits({ ...options, failures: 5, failureRatio: 0 })).toBeDefined();
});
