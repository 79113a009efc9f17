import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { HTTPRequest, Page } from 'puppeteer-core';
import type { System } from '../../../test/harness/all-in-one';
import { chromiumMissing } from '../../../test/browser/chromium';
import { systemWithPage } from '../../../test/browser/session';

/**
 * Swagger UI's "Try it out", in a real Chromium against the all-in-one's gateway: the merged
 * document declares `Consistency-Token` on reads, so the form has a field for it, and what is typed
 * there goes out as the request header.
 */

if (chromiumMissing) console.warn(`SKIPPED: Swagger UI browser test: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== undefined)('Swagger UI sends Consistency-Token', () => {
  let system: System;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ system, page, close } = await systemWithPage('swagger-e2e', 20_000));
  }, 120_000);

  afterAll(() => close?.());

  test('GET /user/v1/users/{id}: the token typed into the form is the header sent, and the answer is 200', async () => {
    const created = await system.api('POST', '/user/v1/users', { firstName: 'Swagger', lastName: 'Tried' });
    const token = created.headers.get('consistency-token')!;
    const sent: HTTPRequest[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/user/v1/users/')) sent.push(request);
    });
    await page.goto(`${system.gateway}/swagger`, { waitUntil: 'networkidle2' });
    const block = '.opblock-get:has(.opblock-summary-path[data-path="/user/v1/users/{id}"])';
    await page.click(`${block} .opblock-summary`);
    // The operation's body is drawn after the click: wait for its button rather than race it.
    await page.waitForSelector(`${block} .try-out__btn`);
    await page.click(`${block} .try-out__btn`);
    // The form comes filled with the document's examples: replace them, as a user would.
    for (const [name, value] of [['id', String(created.body.id)], ['Consistency-Token', token]]) {
      const input = `${block} tr[data-param-name="${name}"] input`;
      await page.click(input);
      await page.keyboard.down('Control');
      await page.keyboard.press('KeyA');
      await page.keyboard.up('Control');
      await page.keyboard.press('Backspace');
      await page.type(input, value!);
    }
    await page.click(`${block} .execute`);
    await page.waitForSelector(`${block} .live-responses-table`);
    expect(sent.map((r) => [new URL(r.url()).pathname, r.headers()['consistency-token']])).toEqual([[`/user/v1/users/${created.body.id}`, token]]);
    expect(sent[0]!.response()?.status()).toBe(200);
  }, 60_000);
});
