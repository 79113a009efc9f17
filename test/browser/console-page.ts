import type { Page } from 'puppeteer-core';

/** Helpers for driving the console in Chromium; each waits on what the page shows, never on time. */

// Evaluated in the page, not in Bun.
declare const document: any;

/** Searches as a user would (type, Enter) and waits until the graph is centred on `id`. */
export async function centreBySearch(page: Page, query: string, id: number): Promise<void> {
  await page.$eval('#search', (input: any) => (input.value = ''));
  await page.type('#search', query);
  await page.keyboard.press('Enter');
  await centredOn(page, id);
}

/** Waits until the graph is centred on `id` and no load is in flight. */
export async function centredOn(page: Page, id: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.getElementById('center-title')?.dataset.userId === String(want) && document.getElementById('graph')?.getAttribute('aria-busy') === 'false',
    {},
    id,
  );
}

/** Presses Tab until `selector` has the focus, as a keyboard user would reach it; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${max} presses of Tab`);
}

/** Rows of the live event table as [type, users] pairs. */
export const eventRows = (page: Page) =>
  page.$$eval('#event-rows tr', (rows: any[]) => rows.map((tr) => [tr.getAttribute('data-type'), tr.lastElementChild?.textContent ?? '']));

/** Waits for an event row of `type` whose users column reads `users` (e.g. "3, 7"). */
export async function waitForEventRow(page: Page, type: string, users: string) {
  return page.waitForFunction(
    (t, u) => [...document.querySelectorAll('#event-rows tr')].find((tr: any) => tr.getAttribute('data-type') === t && tr.lastElementChild?.textContent === u),
    {},
    type,
    users,
  );
}

declare const window: any;

/**
 * Holds the page's next fetch of exactly `path` back by `ms` before sending it, as a slow network
 * would: the way to make two loads finish in the wrong order on every run, not once in a while.
 */
export async function holdBackNextFetch(page: Page, path: string, ms: number) {
  await page.evaluate(
    (p, delay) => {
      window.__heldBack = { path: p, delay, state: 'armed' };
      if (window.__holdBackInstalled) return;
      window.__holdBackInstalled = true;
      const real = window.fetch;
      window.fetch = async (input: unknown, init: unknown) => {
        const held = window.__heldBack;
        if (held?.state !== 'armed' || String(input) !== held.path) return real(input, init);
        held.state = 'held';
        await new Promise((r) => setTimeout(r, held.delay));
        const res = await real(input, init);
        held.state = 'answered';
        return res;
      };
    },
    path,
    ms,
  );
  const reached = (state: string) => page.waitForFunction((s) => window.__heldBack?.state === s, {}, state).then(() => undefined);
  return { held: () => reached('held'), answered: () => reached('answered') };
}
