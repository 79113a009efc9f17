import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Page } from 'puppeteer-core';
import { missingEngineVariables, startCluster, type Cluster } from '../../../../test/harness/distributed';
import { chromiumMissing } from '../../../../test/browser/chromium';
import { openPage } from '../../../../test/browser/session';
import { centredOn, waitForEventRow } from '../../../../test/browser/console-page';

/**
 * The console in distributed mode: gateway, discovery, user, two friend instances and
 * recommendation as separate processes on Kafka, PostgreSQL and Neo4j. Everything the browser
 * does goes through the gateway; the graph comes from Neo4j, the live events from the
 * recommendation service's log, the System view from discovery.
 */
// Evaluated in the page, not in Bun.
declare const document: any;

const missing = [...missingEngineVariables(), ...(chromiumMissing ? [chromiumMissing] : [])];
if (missing.length) console.warn(`SKIPPED: console in distributed mode: needs ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('console in Chromium, distributed mode', () => {
  let cluster: Cluster;
  let page: Page;
  let closeBrowser: (() => Promise<void>) | undefined;
  const tag = `Dq${Date.now().toString(36)}`;
  const made: Record<'first' | 'second', number> = { first: 0, second: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ friendInstances: 2 });
    ({ page, close: closeBrowser } = await openPage(30_000));
  }, 180_000);

  afterAll(async () => {
    await closeBrowser?.();
    await cluster?.close();
  }, 120_000);

  async function createInConsole(firstName: string): Promise<number> {
    await page.$$eval('#create-form input', (inputs) => inputs.forEach((i) => (i.value = '')));
    await page.type('#create-form input[name=firstName]', firstName);
    await page.type('#create-form input[name=lastName]', 'Distributed');
    await page.click('#create-form button');
    await page.waitForFunction((n) => document.getElementById('center-title')?.textContent?.startsWith(`${n} Distributed`), {}, firstName);
    return Number(await page.$eval('#center-title', (e) => e.dataset.userId));
  }

  const counts = async () => ({
    friends: await page.$eval('#friend-count', (e) => e.textContent),
    nodes: await page.$eval('#graph', (e) => e.dataset.nodes),
    edges: await page.$eval('#graph', (e) => e.dataset.edges),
  });

  test('create and rename from the console; the graph and the live events follow through the gateway', () =>
    cluster.explain(async () => {
      await page.goto(`${cluster.gateway}/`, { waitUntil: 'domcontentloaded' });
      expect(page.url()).toBe(`${cluster.gateway}/console`);
      made.first = await createInConsole(`One${tag}`);
      made.second = await createInConsole(`Two${tag}`);
      await centredOn(page, made.second);
      await page.type('#rename-form input[name=firstName]', `Renamed${tag}`);
      await page.type('#rename-form input[name=lastName]', 'Distributed');
      await page.click('#rename-form button');
      await page.waitForFunction((t) => document.getElementById('center-title')?.textContent?.startsWith(`Renamed${t} Distributed`), {}, tag);
      expect((await cluster.api('GET', `/user/v1/users/${made.second}`)).body.firstName).toBe(`Renamed${tag}`);
      await page.click('#tab-events');
      await waitForEventRow(page, 'UserCreated', String(made.first));
      await waitForEventRow(page, 'UserUpdated', String(made.second));
    }),
  90_000);

  test('add and remove a friend from the console: the edge appears and goes, and so do the events', () =>
    cluster.explain(async () => {
      await page.click('#tab-graph');
      await page.type('#friend-form input[name=friendId]', String(made.first));
      await page.click('#friend-form button[value=add]');
      await page.waitForFunction(() => document.getElementById('friend-count')?.textContent === '1');
      await centredOn(page, made.second);
      expect(await counts()).toEqual({ friends: '1', nodes: '2', edges: '1' });
      await page.click('#friend-form button[value=remove]');
      await page.waitForFunction(() => document.getElementById('friend-count')?.textContent === '0');
      await centredOn(page, made.second);
      expect(await counts()).toEqual({ friends: '0', nodes: '1', edges: '0' });
      await page.click('#tab-events');
      await waitForEventRow(page, 'FriendAdded', `${made.second}, ${made.first}`);
      await waitForEventRow(page, 'FriendRemoved', `${made.second}, ${made.first}`);
      // Clicking an event shows the envelope that the recommendation service applied.
      const row = await waitForEventRow(page, 'FriendRemoved', `${made.second}, ${made.first}`);
      await (row as any).click();
      const envelope = JSON.parse(await page.$eval('#event-detail', (e) => e.textContent ?? ''));
      expect(envelope).toMatchObject({ type: 'FriendRemoved', data: { userId: made.second, friendId: made.first } });
      expect(envelope.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-/);
    }),
  90_000);

  test('the System view lists every instance discovery knows, two friend instances among them', () =>
    cluster.explain(async () => {
      await page.click('#tab-system');
      await page.waitForFunction(() => document.querySelectorAll('#system-rows tr').length >= 4);
      const shown = await page.$$eval('#system-rows tr', (rows) => rows.map((tr) => [tr.children[0]?.textContent, tr.children[2]?.textContent]).sort());
      const known: string[][] = [];
      for (const service of ['friend', 'recommendation', 'user']) for (const i of await cluster.liveInstances(service)) known.push([service, i.url]);
      expect(shown).toEqual(known.sort());
      expect(shown.filter(([service]) => service === 'friend')).toHaveLength(2);
    }),
  60_000);

  test('SIGTERM to the gateway with event streams open through it: it exits promptly and cleanly, and every stream is ended', () =>
    cluster.explain(async () => {
      const streams = await Promise.all(
        [0, 1].map(async () => {
          const res = await fetch(`${cluster.gateway}/recommendation/v1/events/stream?backlog=1`);
          expect(res.status).toBe(200);
          const reader = res.body!.getReader();
          await reader.read();
          return reader;
        }),
      );
      // The page's own stream is open too.
      await page.waitForFunction(() => !document.getElementById('tab-events')?.classList.contains('bad'));
      const ending = streams.map(async (reader) => {
        try {
          while (!(await reader.read()).done);
          return 'ended';
        } catch {
          return 'cut';
        }
      });
      // A hang, not slowness: the gateway's own drain gives up after a few seconds; 8 s is far beyond it.
      const code = await Promise.race([cluster.kill('gateway', 'SIGTERM'), Bun.sleep(8_000).then(() => 'still running after 8 s')]);
      const outcome = await Promise.race([Promise.all(ending), Bun.sleep(2_000).then(() => 'still open after exit')]);
      expect({ code, streams: outcome }).toEqual({ code: 0, streams: ['ended', 'ended'] });
      await page.waitForFunction(() => document.getElementById('tab-events')?.classList.contains('bad'));
    }),
  60_000);
});
