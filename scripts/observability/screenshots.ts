// Renders every Grafana dashboard's panels from a real run into deploy/grafana/screenshots/ (SVG,
// and PNG through headless Chromium when it is installed): the all-in-one, a Prometheus scraping
// it every second, and the run of rich-run.ts (generator waves, churn, a load run; about 2 minutes).
//
//   bun scripts/observability/screenshots.ts [--waves 4] [--load-rate 200] [--load-seconds 40]
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { panelData } from './panel-data';
import { richRun } from './rich-run';
import { DASHBOARDS_DIR, EMBEDDED_ENV, startObserved } from './scenario';
import { dashboardSvg, type PanelData } from './svg-chart';

const OUT = join(import.meta.dir, '../../deploy/grafana/screenshots');
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const options = { waves: flag('--waves', 4), loadRate: flag('--load-rate', 200), loadSeconds: flag('--load-seconds', 40) };

/** Per-process metrics: in the all-in-one every port is the same process, so their lines coincide. */
const ONE_PROCESS = /\b(process|bun)_/;

const observed = await startObserved(1, EMBEDDED_ENV);
const { system, prometheus } = observed;
try {
  // Every port scraped once before the run starts, so its first seconds are on the pictures too.
  for (let tries = 0; tries < 100 && Number((await prometheus.query('sum(up)'))[0]?.value[1] ?? 0) < 5; tries++) await Bun.sleep(200);
  const start = new Date();
  const report = await richRun(system, options);
  const end = new Date();
  mkdirSync(OUT, { recursive: true });
  const written: string[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8'));
    const panels: PanelData[] = [];
    for (const p of dashboard.panels ?? []) {
      const data = await panelData(prometheus, p, start, end);
      if ((p.targets ?? []).some((t: any) => ONE_PROCESS.test(t.expr ?? '')) && data.kind === 'timeseries') data.title += ' (one process in the all-in-one)';
      panels.push(data);
    }
    const name = file.replace(/\.json$/, '');
    const subtitle = `all-in-one, ${Math.round((end.getTime() - start.getTime()) / 1000)} s run: ${options.waves} generator waves, churn, load ${options.loadRate}/s`;
    const svg = dashboardSvg(dashboard.title, panels, { phases: report.phases, subtitle, domain: [start.getTime() / 1000, end.getTime() / 1000] });
    writeFileSync(join(OUT, `${name}.svg`), svg);
    const png = await toPng(join(OUT, `${name}.svg`), svg);
    written.push(`${name}: ${panels.length} panels -> ${name}.svg${png ? `, ${name}.png` : ' (no Chromium: no PNG)'}`);
  }
  const value = async (expr: string) => Number((await prometheus.query(expr, end))[0]?.value[1] ?? NaN);
  console.log(['run:', ...report.lines.map((l) => `  ${l}`)].join('\n'));
  console.log(
    `totals: ${await value('max(domain_users)')} users, ${await value('max(domain_friendships)')} friendships, ` +
      `${await value('sum(events_appended_total)')} events appended, ${Math.round(await value('sum(http_server_request_duration_seconds_count{service="gateway"})'))} gateway requests`,
  );
  console.log(['pictures:', ...written.map((l) => `  ${l}`)].join('\n'));
} finally {
  await observed.stop();
}

/** Headless Chromium screenshots the SVG at its own size; skipped when Chromium is missing. */
async function toPng(svgFile: string, svg: string): Promise<boolean> {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
  if (!chromium) return false;
  const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
  const proc = Bun.spawn([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${w},${h}`, `--screenshot=${svgFile.replace(/\.svg$/, '.png')}`, `file://${svgFile}`], {
    stdout: 'ignore',
    stderr: 'ignore',
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return code === 0;
}
