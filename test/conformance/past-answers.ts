import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Database } from '../../src/platform/db/database';
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { silentLogger } from '../../src/platform/log';
import { call } from '../kits/http';
import { FRIEND_EVENTS_TOPIC } from '../../src/modules/friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../src/modules/user/contracts/events';
import type { SocialGraph } from '../../src/modules/recommendation/graph/social-graph';
import { createRecommendationModule } from '../../src/modules/recommendation/module';
import { eventFactory, seededRandom } from '../kits/recommendation/events';

const USERS = 14;
const STEPS = 8;
const CHANGES_PER_STEP = 9;

/**
 * What every log store must show: after each step of random changes the test records the live
 * answers and the instant of the step's last event; afterwards each `asOf` query, at that instant
 * or just before the next event, gives exactly what was recorded then.
 */
export function pastAnswersConformance(name: string, open: () => Promise<Database>, openGraph?: () => Promise<SocialGraph>) {
  let database: Database;
  let bus: InProcessBus;
  let recommendation: ReturnType<typeof createRecommendationModule>;
  let graph: SocialGraph | undefined;
  const e = eventFactory();
  const random = seededRandom(20260301);
  const recorded: { at: string; answers: Record<string, unknown> }[] = [];
  /** The pairs linked at the end, as `low-high`. */
  const friends = new Set<string>();
  const paths = () => [
    ...Array.from({ length: USERS }, (_, i) => `/v1/users/${i + 1}/commands/recommendFriends`),
    ...Array.from({ length: USERS }, (_, i) => `/v1/users/${i + 1}/commands/recommendFriends?limit=2`),
    ...Array.from({ length: USERS - 1 }, (_, i) => `/v1/users/${i + 1}/commands/findMutualFriends?friendId=${i + 2}`),
    '/v1/users/1/commands/findMutualFriends?friendId=3&limit=1',
  ];
  const answersNow = async (suffix = (path: string) => path) => {
    const out: Record<string, unknown> = {};
    for (const path of paths()) {
      const res = await call(recommendation.app, 'GET', suffix(path));
      expect({ path, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ path, status: 200, body: undefined });
      out[path] = res.body;
    }
    return out;
  };
  const withAsOf = (asOf: string) => (path: string) => `${path}${path.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(asOf)}`;

  beforeAll(async () => {
    database = await open();
    bus = new InProcessBus();
    // The answers recorded come from the live graph of the mode under test (memory, or Neo4j).
    graph = await openGraph?.();
    await graph?.clear();
    recommendation = createRecommendationModule({ database, bus, log: silentLogger, ...(graph ? { graph } : {}) });
    await recommendation.connect();
    for (let step = 0; step < STEPS; step++) {
      const events: { topic: string; event: EventEnvelope }[] = [];
      for (let i = 0; i < CHANGES_PER_STEP; i++) {
        const a = 1 + Math.floor(random() * USERS);
        const b = 1 + Math.floor(random() * USERS);
        if (step === 0 && i === 0) {
          for (let id = 1; id <= USERS; id += 2) events.push({ topic: USER_EVENTS_TOPIC, event: e.userCreated(id) });
        } else if (step === 2 && i === 0) {
          // The other half of the users appear late: until then they are known from friendships only.
          for (let id = 2; id <= USERS; id += 2) events.push({ topic: USER_EVENTS_TOPIC, event: e.userCreated(id) });
        } else if (random() < 0.15) {
          events.push({ topic: USER_EVENTS_TOPIC, event: e.userUpdated(a, `Renamed${step}`, `Last${a}`) });
        } else if (a !== b) {
          const key = a < b ? `${a}-${b}` : `${b}-${a}`;
          const linked = friends.has(key);
          if (linked) friends.delete(key);
          else friends.add(key);
          events.push({ topic: FRIEND_EVENTS_TOPIC, event: linked ? e.friendRemoved(a, b) : e.friendAdded(a, b) });
        }
      }
      for (const { topic, event } of events) await bus.publish(topic, [event]);
      recorded.push({ at: events.at(-1)!.event.occurredAt, answers: await answersNow() });
    }
  });
  afterAll(async () => {
    await recommendation?.stop();
    await bus?.close();
    await database?.close();
    await graph?.clear();
    await (graph as { close?: () => Promise<void> } | undefined)?.close?.();
  });

  test(`${name}: asOf each recorded instant gives the answers recorded then`, async () => {
    expect(recorded).toHaveLength(STEPS);
    for (const { at, answers } of recorded) expect({ at, answers: await answersNow(withAsOf(at)) }).toEqual({ at, answers });
    // The answers changed along the way, so equal answers are not all the latest one.
    expect(new Set(recorded.map((r) => JSON.stringify(r.answers))).size).toBe(STEPS);
  });

  test(`${name}: between two events, the earlier one's answers; before the first, none`, async () => {
    const { at, answers } = recorded[3]!;
    const justBefore = new Date(Date.parse(at) + 999).toISOString(); // events are a second apart
    expect(await answersNow(withAsOf(justBefore))).toEqual(answers);
    const sameInstantOtherZone = new Date(Date.parse(at) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await answersNow(withAsOf(sameInstantOtherZone))).toEqual(answers);
    const beforeAll = await answersNow(withAsOf('2024-12-31T23:59:59Z'));
    expect(Object.values(beforeAll).every((a) => Array.isArray(a) && a.length === 0)).toBe(true);
  });

  // Last: it erases a user, which changes every answer that showed them.
  test(`${name}: a user erased since is in no answer about the past either`, async () => {
    const shown = (answers: unknown) => new Set([...JSON.stringify(answers).matchAll(/"id":(\d+)/g)].map((m) => Number(m[1])));
    const counts = new Map<number, number>();
    for (const { answers } of recorded) for (const id of shown(answers)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const [erased] = [...counts].sort((x, y) => y[1] - x[1])[0]!;
    // As the user and friend services publish an erasure: the user's event, then each friendship ended.
    await bus.publish(USER_EVENTS_TOPIC, [e.userErased(erased)]);
    for (const key of friends) {
      const [a, b] = key.split('-').map(Number) as [number, number];
      if (a === erased || b === erased) await bus.publish(FRIEND_EVENTS_TOPIC, [e.friendRemoved(a, b)]);
    }
    expect(shown(await answersNow()).has(erased)).toBe(false);
    for (const { at } of recorded) expect({ at, shown: shown(await answersNow(withAsOf(at))).has(erased) }).toEqual({ at, shown: false });
  });
}
