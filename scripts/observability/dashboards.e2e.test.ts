import { afterEach, expect, test } from 'bun:test';
import postgres from 'postgres';
import { EMBEDDED_ENV, emptyDashboardQueries, generate, startObserved, type Observed } from './scenario';

/**
 * Every PromQL expression of every Grafana dashboard, evaluated by a real Prometheus that scraped
 * the real all-in-one while the data generator ran: a panel whose query returns nothing fails.
 * Embedded mode skips the panels marked "Kafka mode only"; with the engines up (KAFKA_BROKERS set)
 * a second run on Kafka and PostgreSQL (databases of its own) evaluates those too.
 */
let observed: Observed | undefined;
const cleanUps: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await observed?.stop();
  observed = undefined;
  for (const cleanUp of cleanUps.splice(0)) await cleanUp().catch(() => {});
});

const USERS = 30;
const FRIENDSHIPS = 60;
const friendshipsCreated = (summary: string) => Number(/Phase 2: friendships[\s\S]*?created\s+(\d+)/.exec(summary)?.[1] ?? NaN);

test('embedded: every dashboard query returns data, and the numbers are the system\'s', async () => {
  const started = Date.now();
  // Debug logs: every module writes a line per request and per event batch, with its trace id.
  observed = await startObserved(1, { ...EMBEDDED_ENV, LOG_LEVEL: 'debug' });
  const { system, prometheus } = observed;
  const friendships = friendshipsCreated(await generate(system.gateway, { users: USERS, friendships: FRIENDSHIPS, seed: 'dashboards' }));
  // A rejection and a 404, so error panels have something besides zeros.
  await system.api('POST', '/friend/v1/users/1/commands/addFriend?friendId=1');
  await system.api('GET', '/user/v1/users/999999');

  const value = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1] ?? NaN);
  // Scraped after the generator finished: the counts of the last scrape are the final ones.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && ((await value('max(graph_friendships)')) !== friendships || (await value('max(domain_users)')) !== USERS)) await Bun.sleep(250);
  await Bun.sleep(3_000); // a few more scrapes, so every rate() has two samples after the traffic

  const targets = await prometheus.targets();
  expect(targets.filter((t) => t.health !== 'up')).toEqual([]);
  expect(targets).toHaveLength(5);
  expect(await value('max(domain_users)')).toBe(USERS);
  expect(await value('max(graph_users)')).toBe(USERS);
  expect(await value('max(domain_friendships)')).toBe(friendships);
  expect(await value('sum(events_appended_total{type="FriendAdded"})')).toBe(friendships);
  expect(await value('sum(events_consumed_total{consumer="recommendation"})')).toBe(USERS + friendships);
  expect(await value('sum(commands_total{command="AddFriend",outcome="invalid"})')).toBe(1);

  // One request's trace through the logs of every module it and its event touched.
  const trace = '0af7651916cd43dd8448eb211c80319c';
  const traced = await system.api('POST', '/user/v1/users', { firstName: 'Trace', lastName: 'Able' }, { traceparent: `00-${trace}-b7ad6b7169203331-01` });
  expect(traced.headers.get('x-trace-id')).toBe(trace);
  const modulesLogging = () => new Set(system.process.output().split('\n').filter((l) => l.includes(trace)).map((l) => JSON.parse(l).module));
  const logDeadline = Date.now() + 10_000;
  while (Date.now() < logDeadline && modulesLogging().size < 4) await Bun.sleep(100);
  expect([...modulesLogging()].sort()).toEqual(['friend', 'gateway', 'recommendation', 'user']);

  const { evaluated, empty, skipped } = await emptyDashboardQueries(prometheus, { skipKafkaOnly: true });
  console.log(`embedded: ${evaluated} dashboard queries evaluated, skipped as Kafka-only: ${skipped.join('; ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  expect(evaluated).toBeGreaterThan(30);
  expect(empty).toEqual([]);
}, 110_000);

const kafka = process.env.KAFKA_BROKERS && process.env.POSTGRES_ADMIN_URL ? undefined : 'KAFKA_BROKERS or POSTGRES_ADMIN_URL not set (bun run infra:up && . .infra/env)';
test.skipIf(kafka !== undefined)(`Kafka and PostgreSQL: every dashboard query returns data, Kafka-only panels included${kafka ? ` (skipped: ${kafka})` : ''}`, async () => {
  const started = Date.now();
  // Databases of its own: a relay of another process sharing them would publish this run's events.
  const run = `dashboards_${Date.now().toString(36)}`;
  const admin = postgres(process.env.POSTGRES_ADMIN_URL!, { max: 1, onnotice: () => {} });
  const owner = decodeURIComponent(new URL(process.env.USER_DATABASE_URL!).username) || 'social';
  const urls: Record<string, string> = {};
  cleanUps.push(async () => {
    for (const store of ['user', 'friend', 'recommendation']) await admin.unsafe(`drop database if exists "${run}_${store}" with (force)`);
    await admin.end();
  });
  for (const store of ['user', 'friend', 'recommendation']) {
    await admin.unsafe(`create database "${run}_${store}" owner "${owner}"`);
    const url = new URL(process.env.USER_DATABASE_URL!);
    url.pathname = `/${run}_${store}`;
    urls[`${store.toUpperCase()}_DATABASE_URL`] = url.toString();
  }
  // Engine settings are named explicitly: test processes run embedded unless told otherwise.
  observed = await startObserved(1, { ...urls, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_NAMESPACE: run });
  const { system, prometheus } = observed;
  await generate(system.gateway, { users: 20, friendships: 30, seed: 'dashboards-kafka' });
  await system.api('POST', '/friend/v1/users/1/commands/addFriend?friendId=1');
  const consumed = async () => Number((await prometheus.query('sum(events_consumed_total{consumer="recommendation"})'))[0]?.value[1] ?? 0);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await consumed()) < 50) await Bun.sleep(250);
  await Bun.sleep(3_000);
  expect((await prometheus.query('sum(kafka_consumer_lag)')).length).toBe(1);

  const { evaluated, empty } = await emptyDashboardQueries(prometheus, { skipKafkaOnly: false });
  console.log(`kafka: ${evaluated} dashboard queries evaluated (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  expect(empty).toEqual([]);
}, 110_000);
