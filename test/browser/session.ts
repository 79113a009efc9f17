import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';
import { tempDir } from '../kits/processes';
import { launchChromium } from './chromium';

/** Something a browser test opened in `beforeAll`; `close` undoes all of it, even when half made. */
export interface BrowserPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * One page in a fresh headless Chromium. `timeoutMs` is how long every wait on the page may take:
 * the page's own default (30s) hides a stuck page for longer than the test is willing to wait.
 */
export async function openPage(timeoutMs: number): Promise<BrowserPage> {
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    page.setDefaultTimeout(timeoutMs);
    return { page, close: chromium.close };
  } catch (error) {
    await chromium.close();
    throw error;
  }
}

/**
 * An all-in-one on a data directory of its own (named after `name`) and a Chromium page to drive it;
 * `close` ends the browser, stops the system and removes the directory.
 */
export async function systemWithPage(name: string, timeoutMs: number, env: Record<string, string> = {}): Promise<BrowserPage & { system: System }> {
  const dataDir = tempDir(`${name}-`);
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  let system: System;
  try {
    system = await startSystem(systemEnv(dataDir, env));
  } catch (error) {
    removeData();
    throw error;
  }
  let browser: BrowserPage;
  try {
    browser = await openPage(timeoutMs);
  } catch (error) {
    await system.process.stop();
    removeData();
    throw error;
  }
  return {
    system,
    page: browser.page,
    async close() {
      await browser.close();
      await system.process.stop();
      removeData();
    },
  };
}
