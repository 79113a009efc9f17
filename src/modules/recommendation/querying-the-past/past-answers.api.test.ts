import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Database } from '../../../platform/db/database';
import { openEmbeddedDatabase } from '../../../platform/db/embedded';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import { silentLogger } from '../../../platform/log';
import { call } from '../../../../test/kits/http';
import { createRecommendationModule, recommendationMigrationsFolder } from '../module';
import { pastAnswersConformance } from '../../../../test/conformance/past-answers';

const openLog = () => openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });

describe('answers as of a past instant, from the embedded log (PGlite)', () => {
  pastAnswersConformance('PGlite', openLog);
});

describe('asOf that is refused', () => {
  let database: Database;
  const bus = new InProcessBus();
  const clock = { now: () => new Date('2026-03-01T12:00:00Z') };
  let recommendation: ReturnType<typeof createRecommendationModule>;
  beforeAll(async () => {
    database = await openLog();
    recommendation = createRecommendationModule({ database, bus, log: silentLogger, clock });
  });
  afterAll(async () => {
    await bus.close();
    await database.close();
  });

  test.each([
    ['/v1/users/1/commands/recommendFriends?asOf=2026-03-01T09:30:00', 'time zone'],
    ['/v1/users/1/commands/recommendFriends?asOf=2026-02-30T09:30:00Z', 'not a valid instant'],
    ['/v1/users/1/commands/recommendFriends?asOf=2026-03-01T12:00:06Z', 'in the future'],
    ['/v1/users/1/commands/findMutualFriends?friendId=2&asOf=tomorrow', 'time zone'],
    ['/v1/users/1/commands/findMutualFriends?friendId=2&asOf=2026-03-02T00:00:00%2B01:00', 'in the future'],
  ])('%s is a 400 problem', async (path, says) => {
    const res = await call(recommendation.app, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toStartWith('application/problem+json');
    expect(res.body.detail).toContain('asOf');
    expect(res.body.detail).toContain(says);
  });
});
