/**
 * `bun scripts/console/screenshots.ts [--outdir docs/console]`: starts a fresh all-in-one, fills
 * it with a small network through the API, and photographs each view of the console in Chromium,
 * light and dark. The README shows these files.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSystem, systemEnv } from '../../test/harness/all-in-one';
import { tempDir } from '../../test/kits/processes';
import { chromiumMissing, launchChromium } from '../../test/browser/chromium';
import { friendPaths } from '../../src/modules/friend/contracts/http';

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { outdir: { type: 'string', default: join(import.meta.dir, '..', '..', 'docs', 'console') } } });
const outdir = values.outdir!;
if (chromiumMissing) throw new Error(chromiumMissing);
mkdirSync(outdir, { recursive: true });

const dataDir = tempDir('console-shots-');
const system = await startSystem(systemEnv(dataDir));
const { browser, close } = await launchChromium();
try {
  const names = [['Ada', 'Lovelace'], ['Alan', 'Turing'], ['Grace', 'Hopper'], ['Edsger', 'Dijkstra'], ['Barbara', 'Liskov'], ['Donald', 'Knuth'], ['Margaret', 'Hamilton'], ['Ken', 'Thompson'], ['Frances', 'Allen'], ['John', 'Backus']];
  const ids: number[] = [];
  for (const [firstName, lastName] of names) ids.push((await system.api('POST', '/user/v1/users', { firstName, lastName })).body.id);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 4], [2, 4], [3, 4], [1, 5], [2, 5], [3, 6], [4, 7], [5, 8], [2, 9]];
  for (const [a, b] of pairs) await system.api('POST', `/friend${friendPaths.addFriend(ids[a!]!, ids[b!]!)}`);
  await Bun.sleep(500);

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    await page.goto(`${system.gateway}/console`, { waitUntil: 'networkidle2' });
    await page.type('#search', 'ada');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as any).document.getElementById('graph')?.dataset.edges);
    await Bun.sleep(300);
    await page.screenshot({ path: join(outdir, `graph-${scheme}.png`) });
    await page.click('#tab-events');
    await page.waitForSelector('#event-rows tr');
    await page.click('#event-rows tr');
    await page.screenshot({ path: join(outdir, `events-${scheme}.png`) });
    await page.click('#tab-system');
    await page.waitForSelector('#system-rows tr');
    await page.screenshot({ path: join(outdir, `system-${scheme}.png`) });
    await page.close();
  }
  console.log(`screenshots in ${outdir}`);
} finally {
  await close();
  await system.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
