import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { startSystem, systemEnv, type System } from '../../../../test/harness/all-in-one';
import { tempDir } from '../../../../test/kits/processes';
import { chromiumMissing, launchChromium } from '../../../../test/browser/chromium';

/**
 * The console in a real Chromium against a real all-in-one: everything the page shows comes
 * through the gateway, as a user's browser would get it.
 */
// Evaluated in the page, not in Bun.
declare const document: any;
declare const window: any;

if (chromiumMissing) console.warn(`SKIPPED: console browser tests: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== undefined)('console in Chromium', () => {
  let system: System;
  let dataDir: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const tag = `Zq${Date.now().toString(36)}`;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    dataDir = tempDir('console-e2e-');
    system = await startSystem(systemEnv(dataDir));
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
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await system?.process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
    await page.type('#create-form input[name=firstName]', `New${tag}`);
    await page.type('#create-form input[name=lastName]', 'Person');
    await page.click('#create-form button');
    await page.waitForFunction((t) => document.getElementById('center-title')?.textContent?.startsWith(`New${t} Person`), {}, tag);
    const id = Number(await page.$eval('#center-title', (e) => e.dataset.userId));
    await page.type('#rename-form input[name=firstName]', `Renamed${tag}`);
    await page.type('#rename-form input[name=lastName]', 'Person');
    await page.click('#rename-form button');
    await page.waitForFunction((t) => document.getElementById('center-title')?.textContent?.startsWith(`Renamed${t}`), {}, tag);
    expect((await system.api('GET', `/user/v1/users?name=renamed${tag}`)).body.map((u: any) => u.id)).toEqual([id]);
  });

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
