// Renders every Grafana dashboard's panels from a real run into deploy/grafana/screenshots/ (SVG,
// and PNG through headless Chromium when it is installed): the all-in-one, a Prometheus scraping
// it every second, and a few waves of the data generator.
//
//   bun scripts/observability/screenshots.ts [--waves 4]
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, generate, KAFKA_ONLY, startObserved, withGrafanaVariables } from './scenario';
import { dashboardSvg, toSeries, type PanelData } from './svg-chart';

const OUT = join(import.meta.dir, '../../deploy/grafana/screenshots');
const waves = Number(process.argv[process.argv.indexOf('--waves') + 1] || 4);

const observed = await startObserved(1);
const { system, prometheus } = observed;
const start = new Date();
try {
  for (let i = 0; i < waves; i++) {
    await generate(system.gateway, { users: 60, friendships: 200, seed: `wave-${i}`, concurrency: 4 + 4 * i });
    await Bun.sleep(5_000);
  }
  await Bun.sleep(3_000);
  const end = new Date();
  mkdirSync(OUT, { recursive: true });
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8'));
    const panels: PanelData[] = [];
    for (const p of dashboard.panels ?? []) {
      const series: PanelData['series'] = [];
      for (const t of p.targets ?? []) {
        if (!t.expr) continue;
        // Range queries evaluate rate() over a window ending at each step: 10 s keeps the waves visible.
        series.push(...toSeries(await prometheus.queryRange(withGrafanaVariables(t.expr, '10s'), start, end, 2), t.legendFormat));
      }
      const title = KAFKA_ONLY.test(p.description ?? '') ? `${p.title} (Kafka mode only: no data in the all-in-one)` : p.title;
      panels.push({ title, kind: p.type === 'stat' ? 'stat' : p.type === 'table' ? 'table' : 'timeseries', unit: p.fieldConfig?.defaults?.unit, series, gridPos: p.gridPos });
    }
    const name = file.replace(/\.json$/, '');
    const svg = dashboardSvg(dashboard.title, panels);
    writeFileSync(join(OUT, `${name}.svg`), svg);
    const png = await toPng(join(OUT, `${name}.svg`), svg);
    console.log(`${name}: ${panels.length} panels -> ${name}.svg${png ? `, ${name}.png` : ''}`);
  }
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
