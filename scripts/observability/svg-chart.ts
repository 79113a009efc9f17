// Draws dashboard panels as SVG from Prometheus range queries: no Grafana can be installed here,
// so the screenshots in deploy/OBSERVE.md are the same queries plotted by this small renderer.
import type { PromSeries } from './prometheus';

export interface PanelData {
  title: string;
  kind: 'timeseries' | 'stat' | 'table';
  unit?: string;
  series: { label: string; points: [number, number][] }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

const COLORS = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];
const CELL_W = 60; // px per grid column (24 columns)
const CELL_H = 34; // px per grid row

/** `{{label}}` templating as in Grafana's legendFormat. */
export function legendOf(format: string | undefined, metric: Record<string, string>): string {
  if (!format) return Object.entries(metric).map(([k, v]) => `${k}=${v}`).join(' ') || 'value';
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
}

export function toSeries(result: PromSeries[], legendFormat?: string): PanelData['series'] {
  return result.map((s) => ({ label: legendOf(legendFormat, s.metric), points: s.values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)) }));
}

export function formatValue(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return '-';
  if (unit === 'bytes') return v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : `${(v / 1e3).toFixed(0)} kB`;
  if (unit === 's') return v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms`;
  if (unit === 'percentunit') return `${(v * 100).toFixed(1)}%`;
  const suffix = unit === 'ops' ? '/s' : unit === 'reqps' ? ' req/s' : '';
  return `${Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(2)}${suffix}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function timeseries(p: PanelData, w: number, h: number): string {
  const legendRows = Math.min(p.series.length, 4);
  const plot = { x: 58, y: 30, w: w - 76, h: h - 62 - legendRows * 14 };
  const all = p.series.flatMap((s) => s.points);
  if (all.length === 0) return `<text x="${w / 2}" y="${h / 2}" class="muted" text-anchor="middle">No data</text>`;
  const [t0, t1] = [Math.min(...all.map(([t]) => t)), Math.max(...all.map(([t]) => t))];
  const top = Math.max(...all.map(([, v]) => v), 0) * 1.1 || 1;
  const x = (t: number) => plot.x + ((t - t0) / (t1 - t0 || 1)) * plot.w;
  const y = (v: number) => plot.y + plot.h - (v / top) * plot.h;
  const grid = [0, 0.5, 1].map((f) => `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(top * f)}" y2="${y(top * f)}" class="grid"/><text x="${plot.x - 6}" y="${y(top * f) + 4}" class="axis" text-anchor="end">${esc(formatValue(top * f, p.unit))}</text>`);
  const times = [t0, (t0 + t1) / 2, t1].map((t) => `<text x="${x(t)}" y="${plot.y + plot.h + 14}" class="axis" text-anchor="middle">${new Date(t * 1000).toISOString().slice(11, 19)}</text>`);
  const lines = p.series.map((s, i) => `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = p.series.slice(0, legendRows).map((s, i) => `<rect x="12" y="${h - 14 * (legendRows - i) - 8}" width="10" height="3" fill="${COLORS[i % COLORS.length]}"/><text x="28" y="${h - 14 * (legendRows - i) - 4}" class="legend">${esc(s.label.slice(0, 70))}</text>`);
  const more = p.series.length > legendRows ? `<text x="${w - 10}" y="${h - 6}" class="muted" text-anchor="end">+${p.series.length - legendRows} more</text>` : '';
  return [...grid, ...times, ...lines, ...legend, more].join('');
}

function stat(p: PanelData, w: number, h: number): string {
  const last = p.series[0]?.points.at(-1)?.[1];
  return `<text x="${w / 2}" y="${h / 2 + 18}" class="stat" text-anchor="middle">${esc(last === undefined ? 'No data' : formatValue(last, p.unit))}</text>`;
}

function table(p: PanelData, w: number, h: number): string {
  const rows = p.series.slice(0, Math.floor((h - 40) / 15));
  return rows.map((s, i) => `<text x="12" y="${44 + i * 15}" class="legend">${esc(s.label.slice(0, Math.floor(w / 6.5)))}</text><text x="${w - 12}" y="${44 + i * 15}" class="legend" text-anchor="end">${esc(formatValue(s.points.at(-1)?.[1] ?? NaN, p.unit))}</text>`).join('');
}

/** One dashboard as an SVG page laid out like Grafana's 24-column grid. */
export function dashboardSvg(title: string, panels: PanelData[]): string {
  const height = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h)) * CELL_H + 50;
  const width = 24 * CELL_W + 10;
  const body = panels.map((p) => {
    const [px, py, w, h] = [p.gridPos.x * CELL_W + 5, p.gridPos.y * CELL_H + 45, p.gridPos.w * CELL_W - 6, p.gridPos.h * CELL_H - 6];
    const inner = p.kind === 'stat' ? stat(p, w, h) : p.kind === 'table' ? table(p, w, h) : timeseries(p, w, h);
    return `<g transform="translate(${px},${py})"><rect width="${w}" height="${h}" rx="3" class="panel"/><text x="10" y="18" class="title">${esc(p.title)}</text>${inner}</g>`;
  });
  const style = `.panel{fill:#181b1f;stroke:#2c3235}.title{fill:#ccccdc;font:600 13px sans-serif}.axis{fill:#8e8e9e;font:10px sans-serif}.legend{fill:#ccccdc;font:11px sans-serif}.muted{fill:#8e8e9e;font:12px sans-serif}.stat{fill:#73bf69;font:600 34px sans-serif}.grid{stroke:#2c3235}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><style>${style}</style><rect width="100%" height="100%" fill="#111217"/><text x="10" y="28" class="title" style="font-size:18px">${esc(title)}</text>${body.join('')}</svg>\n`;
}
