import { describe, expect, test } from 'bun:test';
import { mulberry32 } from '../lib/random';
import { nextOperation, SCENARIO_MIX, type ScenarioState } from './scenarios';

const state = (users: number[]): ScenarioState => ({ users, random: mulberry32(3) });

describe('nextOperation', () => {
  test('signup creates users and remembers them', () => {
    const s = state([]);
    const op = nextOperation('signup', s, 7);
    expect(op).toMatchObject({ name: 'signup', method: 'POST', path: '/user/v1/users' });
    op.onOk!({ id: 42 });
    expect(s.users).toEqual([42]);
  });
  test('befriend pairs two different known users', () => {
    const s = state([1, 2, 3]);
    for (let i = 0; i < 200; i++) {
      const [, a, b] = /users\/(\d+)\/commands\/addFriend\?friendId=(\d+)/.exec(nextOperation('befriend', s, i).path)!;
      expect(a).not.toBe(b);
    }
  });
  test('without two users, scenarios sign up first', () => {
    expect(nextOperation('browse', state([1]), 0).name).toBe('signup');
  });
  test('mixed follows its weights', () => {
    const s = state(Array.from({ length: 100 }, (_, i) => i + 1));
    const counts: Record<string, number> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const op = nextOperation('mixed', s, i);
      counts[op.name] = (counts[op.name] ?? 0) + 1;
    }
    const total = SCENARIO_MIX.mixed.reduce((sum, [, w]) => sum + w, 0);
    expect(counts.recommendFriends! / n).toBeCloseTo(45 / total, 1);
    expect(counts.signup! / n).toBeCloseTo(10 / total, 1);
    expect(Object.keys(counts).sort()).toEqual(['addFriend', 'findMutualFriends', 'getUser', 'recommendFriends', 'signup']);
  });
});
