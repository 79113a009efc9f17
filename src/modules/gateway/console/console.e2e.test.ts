import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Page } from 'puppeteer-core';
import type { System } from '../../../../test/harness/all-in-one';
import { chromiumMissing } from '../../../../test/browser/chromium';
import { systemWithPage } from '../../../../test/browser/session';
import { centreBySearch, centredOn, holdBackNextFetch, tabTo } from '../../../../test/browser/console-page';

/**
 * The console in a real Chromium against a real all-in-one: everything the page shows comes
 * through the gateway, as a user's browser would get it.
 */
// Evaluated in the page, not in Bun.
declare const document: any;
declare const window: any;
declare const getComputedStyle: any;

if (chromiumMissing) console.warn(`SKIPPED: console browser tests: ${chromiumMissing}`);

/** Friends of the hub: thousands, so that its friends span many pages and more than one read of 1000. */
const HUB_FRIENDS = 2_000;

describe.skipIf(chromiumMissing !== undefined)('console in Chromium', () => {
  let system: System;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  const tag = `Zq${Date.now().toString(36)}`;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ({ system, page, close } = await systemWithPage('console-e2e', 15_000));
    for (const name of ['centre', 'f1', 'f2', 'x', 'y', 'z']) {
      const created = await system.api('POST', '/user/v1/users', { firstName: name === 'centre' ? tag : `${name}${tag}`, lastName: 'Console' });
      ids[name] = created.body.id;
    }
    for (const [a, b] of [['centre', 'f1'], ['centre', 'f2'], ['f1', 'x'], ['f2', 'x'], ['f1', 'y']] as const) {
      expect((await system.api('POST', `/friend/v1/users/${ids[a]}/commands/addFriend?friendId=${ids[b]}`)).status).toBe(201);
    }
    // The graph is projected asynchronously: wait until it shows both recommendations.
    for (let i = 0; i < 100; i++) {
      const recs = await system.api('GET', `/recommendation/v1/users/${ids.centre}/commands/recommendFriends`);
      if (recs.body.length === 2) break;
      await Bun.sleep(100);
    }
  }, 120_000);

  /** A seeding command, sent again after Retry-After while the system sheds load (429, 503). */
  async function seed(method: string, path: string, body?: unknown) {
    for (let attempt = 1; ; attempt++) {
      const res = await system.api(method, path, body);
      if ((res.status !== 429 && res.status !== 503) || attempt === 30) return res;
      await Bun.sleep(Number(res.headers.get('retry-after') ?? 1) * 1_000);
    }
  }

  /** Runs `work(0..n-1)` on a few workers at a time; results in index order. */
  async function inParallel<T>(n: number, work: (i: number) => Promise<T>, workers = 12): Promise<T[]> {
    const out: T[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: workers }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }));
    return out;
  }

  afterAll(() => close?.());

  test('/ redirects to the console, whose page loads without errors', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const response = await page.goto(`${system.gateway}/`, { waitUntil: 'networkidle2' });
    expect(page.url()).toBe(`${system.gateway}/console`);
    expect(response?.status()).toBe(200);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Social network console');
    expect(errors).toEqual([]);
  });

  test('search finds the user; the graph draws their friends and recommendations', async () => {
    await page.type('#search', tag.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.getElementById('center-title')?.dataset.userId === String(id), {}, ids.centre);
    expect(await page.$eval('#friend-count', (e) => e.textContent)).toBe('2');
    expect(await page.$eval('#recommendation-count', (e) => e.textContent)).toBe('2');
    // Centre, 2 friends, 2 recommended; 2 friendships and 3 mutual-friend links.
    await page.waitForFunction(() => document.getElementById('graph')?.dataset.nodes === '5');
    expect(await page.$eval('#graph', (e) => e.dataset.edges)).toBe('5');
    expect(await page.$$eval('#graph canvas', (c) => c.length)).toBeGreaterThan(0);
    const recs = await page.$$eval('#recommendation-list li', (items) => items.map((i) => i.textContent));
    expect(recs[0]).toContain(`x${tag}`);
    expect(recs[0]).toContain('weight 2');
  });

  test('with the keyboard only, a user moves between the people drawn and centres on one', async () => {
    await tabTo(page, '#graph');
    const people = Number(await page.$eval('#graph', (e) => e.dataset.nodes));
    const visited: number[] = [];
    for (let i = 0; i < people && !visited.includes(ids.f1!); i++) {
      await page.keyboard.press('ArrowRight');
      visited.push(Number(await page.$eval('#graph', (e) => e.dataset.focusedUser)));
    }
    expect(visited).toContain(ids.f1!);
    expect(await page.$eval('#graph-focus', (e) => e.textContent)).toContain(`f1${tag} Console #${ids.f1}, friend`);
    await page.keyboard.press('Enter');
    await centredOn(page, ids.f1!);
    // f1's network: the old centre is one of the people, and Enter on it goes back.
    for (let i = 0; i < people + 2; i++) {
      await page.keyboard.press('ArrowLeft');
      if ((await page.$eval('#graph', (e) => e.dataset.focusedUser)) === String(ids.centre)) break;
    }
    await page.keyboard.press('Enter');
    await centredOn(page, ids.centre!);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('graph');
  });

  test('adding a friend from the console draws the edge and shows the event, without a reload', async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.type('#friend-form input[name=friendId]', String(ids.z));
    await page.click('#friend-form button[value=add]');
    await page.waitForFunction(() => document.getElementById('graph')?.dataset.nodes === '6');
    expect(await page.$eval('#friend-count', (e) => e.textContent)).toBe('3');
    await page.click('#tab-events');
    const row = await page.waitForFunction(
      (a, b) => [...document.querySelectorAll('#event-rows tr')].find((tr) => tr.getAttribute('data-type') === 'FriendAdded' && tr.lastElementChild?.textContent === `${a}, ${b}`),
      {},
      ids.centre,
      ids.z,
    );
    await (row as any).click();
    const envelope = JSON.parse(await page.$eval('#event-detail', (e) => e.textContent ?? ''));
    expect(envelope).toMatchObject({ type: 'FriendAdded', data: { userId: ids.centre, friendId: ids.z } });
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  });

  test('the system view lists every instance discovery knows', async () => {
    await page.click('#tab-system');
    await page.waitForFunction(() => document.querySelectorAll('#system-rows tr').length >= 3);
    const services = await page.$$eval('#system-rows tr td:first-child', (cells) => cells.map((c) => c.textContent).sort());
    const known = (await system.api('GET', '/console/api/system')).body.instances.map((i: any) => i.service).sort();
    expect(services).toEqual(known);
    expect(services).toEqual(expect.arrayContaining(['friend', 'recommendation', 'user']));
  });

  test('creating and renaming a user from the console centres the graph on them and finds them by the new name', async () => {
    await page.click('#tab-graph');
    // A load of the previous centre is still on its way when the new user is created, and it
    // finishes last. It must not take the graph back: the rename below would rename the wrong user.
    const slow = await holdBackNextFetch(page, `/user/v1/users/${ids.centre}`, 1_000);
    await page.click('#search-results li button');
    await slow.held();
    await page.type('#create-form input[name=firstName]', `New${tag}`);
    await page.type('#create-form input[name=lastName]', 'Person');
    await page.click('#create-form button');
    await page.waitForFunction((t) => document.getElementById('center-title')?.textContent?.startsWith(`New${t} Person`), {}, tag);
    const id = Number(await page.$eval('#center-title', (e) => e.dataset.userId));
    await slow.answered();
    await centredOn(page, id);
    await page.type('#rename-form input[name=firstName]', `Renamed${tag}`);
    await page.type('#rename-form input[name=lastName]', 'Person');
    await page.click('#rename-form button');
    await page.waitForFunction((t) => document.getElementById('center-title')?.textContent?.startsWith(`Renamed${t}`), {}, tag);
    expect((await system.api('GET', `/user/v1/users?name=renamed${tag}`)).body.map((u: any) => u.id)).toEqual([id]);
  });

  test('an event about the previous centre, while the next one loads, does not take the graph back', async () => {
    await centreBySearch(page, tag.toLowerCase(), ids.centre!);
    const slow = await holdBackNextFetch(page, `/user/v1/users/${ids.y}`, 2_000);
    await page.$eval('#search', (input) => (input.value = ''));
    await page.type('#search', `y${tag}`.toLowerCase());
    await page.keyboard.press('Enter');
    await slow.held();
    // The centre on screen gets an event (a new friend) while y's load is still on its way.
    const other = (await system.api('POST', '/user/v1/users', { firstName: `w${tag}`, lastName: 'Console' })).body.id;
    expect((await system.api('POST', `/friend/v1/users/${ids.centre}/commands/addFriend?friendId=${other}`)).status).toBe(201);
    await page.waitForFunction((a, b) => [...document.querySelectorAll('#event-rows tr')].some((tr: any) => tr.getAttribute('data-type') === 'FriendAdded' && tr.lastElementChild?.textContent === `${a}, ${b}`), {}, ids.centre, other);
    await slow.answered();
    await centredOn(page, ids.y!);
    // Nothing else is on its way that could still move it.
    await page.waitForFunction(() => document.getElementById('graph')?.getAttribute('aria-busy') === 'false');
    expect(await page.$eval('#center-title', (e) => e.dataset.userId)).toBe(String(ids.y));
  });

  for (const [width, height] of [[1280, 800], [390, 844]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      test(`at ${width}x${height} in ${scheme} mode every view fits the width and every control has a name`, async () => {
        await page.setViewport({ width, height });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        for (const view of ['events', 'system', 'graph']) {
          await page.click(`#tab-${view}`);
          const layout = await page.evaluate(() => ({
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            background: getComputedStyle(document.body).backgroundColor,
            text: getComputedStyle(document.body).color,
            unnamed: [...document.querySelectorAll('input, select, button, [role=tab], #graph')]
              .filter((e: any) => e.offsetParent !== null)
              .filter((e: any) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
              .map((e: any) => e.outerHTML.slice(0, 80)),
          }));
          expect({ view, ...layout }).toEqual({
            view,
            overflow: 0,
            background: scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)',
            text: scheme === 'dark' ? 'rgb(230, 237, 243)' : 'rgb(27, 31, 36)',
            unnamed: [],
          });
        }
        const graph = await page.$eval('#graph', (e) => e.getBoundingClientRect().toJSON());
        expect(graph.width).toBeGreaterThan(width / 2 - 100);
        expect(graph.height).toBeGreaterThan(300);
      });
    }
  }

  test('a hub with thousands of friends is paginated: one page drawn at a time, and the page says so', async () => {
    await page.setViewport({ width: 1280, height: 800 });
    await page.click('#tab-graph');
    const hub = (await system.api('POST', '/user/v1/users', { firstName: `Hub${tag}`, lastName: 'Console' })).body.id;
    const fans = await inParallel(HUB_FRIENDS, async (i) => (await seed('POST', '/user/v1/users', { firstName: `Fan${i}`, lastName: 'Console' })).body.id as number);
    const added = await inParallel(HUB_FRIENDS, async (i) => (await seed('POST', `/friend/v1/users/${hub}/commands/addFriend?friendId=${fans[i]}`)).status);
    expect(added.filter((s) => s !== 201)).toEqual([]);
    await centreBySearch(page, `hub${tag}`, hub);
    const shown = async () => ({
      count: await page.$eval('#friend-count', (e) => e.textContent),
      note: await page.$eval('#graph-note', (e) => e.textContent),
      nodes: await page.$eval('#graph', (e) => e.dataset.nodes),
      listed: await page.$$eval('#friend-list li', (items) => items.map((i) => i.textContent)),
    });
    const first = await shown();
    expect(first).toMatchObject({ count: 'over 1000', nodes: '61', note: expect.stringContaining('Paginated: friends 1–60 of over 1000') });
    expect(first.listed).toHaveLength(60);
    await page.click('#friends-next');
    await page.waitForFunction(() => document.getElementById('friend-pages')?.dataset.page === '1');
    await centredOn(page, hub);
    const second = await shown();
    expect(second).toMatchObject({ nodes: '61', note: expect.stringContaining('Paginated: friends 61–120 of over') });
    expect(second.listed.filter((f) => first.listed.includes(f))).toEqual([]);
    // The last page counts exactly: walk there with the Next button.
    while (!(await page.$eval('#friends-next', (b) => b.disabled))) {
      const at = await page.$eval('#friend-pages', (e) => e.dataset.page);
      await page.click('#friends-next');
      await page.waitForFunction((p) => document.getElementById('friend-pages')?.dataset.page !== p, {}, at);
      await centredOn(page, hub);
    }
    const last = await shown();
    expect(last.count).toBe(String(HUB_FRIENDS));
    expect(last.note).toContain(`of ${HUB_FRIENDS} (oldest friendship first)`);
    await page.click('#friends-previous');
    await page.waitForFunction((p) => document.getElementById('friend-pages')?.dataset.page === p, {}, String(Math.ceil(HUB_FRIENDS / 60) - 2));
  }, 120_000);

  test('on shutdown the event stream through the gateway ends cleanly and does not hold the process', async () => {
    const res = await fetch(`${system.gateway}/recommendation/v1/events/stream?backlog=0`);
    const reader = res.body!.getReader();
    await reader.read();
    const started = performance.now();
    const exited = system.process.stop();
    const drained = (async () => {
      while (!(await reader.read()).done);
      return 'ended';
    })().catch(() => 'cut');
    expect(await Promise.race([drained, Bun.sleep(10_000).then(() => 'still open')])).toBe('ended');
    expect(await exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
