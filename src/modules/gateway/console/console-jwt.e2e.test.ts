import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { HTTPRequest, Page } from 'puppeteer-core';
import type { System } from '../../../../test/harness/all-in-one';
import { chromiumMissing } from '../../../../test/browser/chromium';
import { systemWithPage } from '../../../../test/browser/session';
import { centreBySearch } from '../../../../test/browser/console-page';
import { hs256, SECRET } from '../../../../test/kits/gateway/tokens';

/**
 * The console against an all-in-one started with AUTH_MODE=jwt: it asks for a token before
 * anything else, sends it with every call (the event stream too), and says plainly when a token
 * is missing, refused, or does not allow an action.
 */
// Evaluated in the page, not in Bun.
declare const document: any;

if (chromiumMissing) console.warn(`SKIPPED: console browser tests with AUTH_MODE=jwt: ${chromiumMissing}`);

/** Calls the page makes to the gateway's API (not its own page and assets). */
const isApiCall = (url: string) => /\/(user|friend|recommendation)\/v1\/|\/console\/api\//.test(new URL(url).pathname);

describe.skipIf(chromiumMissing !== undefined)('console in Chromium with AUTH_MODE=jwt', () => {
  let system: System;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  const tag = `Jw${Date.now().toString(36)}`;
  let ada: number;
  let alan: number;
  let token: string;
  const sent: { url: string; authorization?: string }[] = [];
  const note = () => page.$eval('#auth-note', (e) => (e.hidden ? '' : e.textContent ?? ''));

  beforeAll(async () => {
    ({ system, page, close } = await systemWithPage('console-jwt-e2e', 15_000, { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET }));
    const signUp = await hs256({ sub: '1' });
    ada = (await system.api('POST', '/user/v1/users', { firstName: tag, lastName: 'Ada' }, { authorization: `Bearer ${signUp}` })).body.id;
    alan = (await system.api('POST', '/user/v1/users', { firstName: `Alan${tag}`, lastName: 'Turing' }, { authorization: `Bearer ${signUp}` })).body.id;
    token = await hs256({ sub: String(ada) });
    page.on('request', (r: HTTPRequest) => isApiCall(r.url()) && sent.push({ url: r.url(), authorization: r.headers().authorization }));
  }, 120_000);

  afterAll(() => close?.());

  test('without a token the console asks for one, and says why the event stream is refused', async () => {
    await page.goto(`${system.gateway}/console`, { waitUntil: 'domcontentloaded' });
    expect(await page.$eval('#token-form', (f) => f.hidden)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    expect(await note()).toContain('This gateway needs a bearer token (AUTH_MODE=jwt)');
    // The event stream was tried without one and refused: the message stays, now with the reason.
    await page.waitForFunction(() => document.getElementById('auth-note')?.textContent?.includes('(401:'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.authorization !== undefined)).toEqual([]);
  });

  test('a token the gateway refuses is reported as refused', async () => {
    await page.type('#token', 'not-a-token');
    await page.keyboard.press('Enter');
    await page.type('#search', tag.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('auth-note')?.textContent?.startsWith('The gateway refused the token (401'));
    expect(await page.$eval('#status', (e) => e.textContent)).toStartWith('Search failed:');
  });

  test('with a valid token every call carries it, the event stream too, and the console works', async () => {
    await page.$eval('#token', (input) => (input.value = ''));
    await page.type('#token', token);
    await page.keyboard.press('Enter');
    expect(await note()).toBe('');
    const from = sent.length;
    await centreBySearch(page, tag.toLowerCase(), ada);
    // Ada may change her own friendships...
    await page.type('#friend-form input[name=friendId]', String(alan));
    await page.click('#friend-form button[value=add]');
    await page.waitForFunction(() => document.getElementById('friend-count')?.textContent === '1');
    await page.click('#tab-events');
    await page.waitForFunction(() => [...document.querySelectorAll('#event-rows tr')].some((tr: any) => tr.getAttribute('data-type') === 'FriendAdded'));
    await page.click('#tab-system');
    await page.waitForFunction(() => document.querySelectorAll('#system-rows tr').length >= 3);
    const calls = sent.slice(from);
    expect(calls.some((r) => r.url.includes('/recommendation/v1/events/stream'))).toBe(true);
    expect(calls.some((r) => r.url.includes('/console/api/system'))).toBe(true);
    expect(calls.filter((r) => r.authorization !== `Bearer ${token}`)).toEqual([]);
  });

  test("a valid token that does not allow an action (renaming someone else) gets a clear 403 message", async () => {
    await page.click('#tab-graph');
    await centreBySearch(page, `alan${tag}`.toLowerCase(), alan);
    await page.type('#rename-form input[name=firstName]', 'Not');
    await page.type('#rename-form input[name=lastName]', 'Allowed');
    await page.click('#rename-form button');
    await page.waitForFunction(() => document.getElementById('auth-note')?.textContent?.startsWith('The token is valid but does not allow this (403'));
    expect(await note()).toContain(`user ${alan} may only be updated by that user`);
    expect((await system.api('GET', `/user/v1/users/${alan}`, undefined, { authorization: `Bearer ${token}` })).body.firstName).toBe(`Alan${tag}`);
  });
});
