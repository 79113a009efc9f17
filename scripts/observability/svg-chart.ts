// Draws dashboard panels as SVG from Prometheus queries: no Grafana can be installed here, so the
// pictures in the README are the dashboards' own queries plotted by this small renderer.
import type { PromSeries } from './prometheus';
import { escapeXml as esc } from '../lib/svg';

export interface Series {
  label: string;
  points: [number, number][];
  /** Drawn dashed and grey: the sum (or max) of the series left out of a crowded panel. */
  others?: boolean;
}

/** A table as Grafana shows one: label columns, then one value column per query. */
export interface TableData {
  columns: string[];
  /** How many trailing columns hold values (formatted with the panel's unit). */
  valueColumns: number;
  rows: (string | number)[][];
}

/** A stretch of the run drawn behind every time series (a generator wave, the load run). */
export interface Phase {
  label: string;
  from: number;
  to: number;
}

export interface PanelData {
  title: string;
  kind: 'timeseries' | 'stat' | 'table';
  unit?: string;
  series: Series[];
  table?: TableData;
  /** Stat colours: the last step whose value the number reaches (Grafana's absolute thresholds). */
  thresholds?: { color: string; value: number | null }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

const COLORS = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];
const OTHERS_COLOR = '#8e8e9e';
const CELL_W = 60; // px per grid column (24 columns)
const CELL_H = 34; // px per grid row
const LEGEND_ROW = 14;
const CHAR_W = 6.2; // average width of an 11 px sans-serif character
/** Lines a panel draws before the smallest are folded into one "others" line (Grafana would show them all, unreadably). */
export const MAX_LINES = 8;

/** `{{label}}` templating as in Grafana's legendFormat. */
export function legendOf(format: string | undefined, metric: Record<string, string>): string {
  if (!format) return Object.entries(metric).map(([k, v]) => `${k}=${v}`).join(' ') || 'value';
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '').replace(/\s+/g, ' ').trim();
}

export function toSeries(result: PromSeries[], legendFormat?: string): Series[] {
  return result.map((s) => ({ label: legendOf(legendFormat, s.metric), points: s.values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)) }));
}

/**
 * At most `max` lines: the series with the highest peaks, and one "others" line for the rest. Rates
 * and counts of the rest are summed (their total traffic); durations, shares and bytes are not
 * summed: the line is their highest value at each instant.
 */
export function foldSmallest(series: Series[], unit: string | undefined, max = MAX_LINES): Series[] {
  if (series.length <= max) return series;
  const peak = (s: Series) => Math.max(0, ...s.points.map(([, v]) => v));
  const ranked = [...series].sort((a, b) => peak(b) - peak(a));
  const kept = ranked.slice(0, max - 1);
  const rest = ranked.slice(max - 1);
  // Memory of processes that may be one (the all-in-one) or a quantile cannot be added up either.
  const useMax = !(unit === undefined || unit === 'ops' || unit === 'reqps' || unit === 'short');
  const byTime = new Map<number, number>();
  for (const s of rest) for (const [t, v] of s.points) byTime.set(t, useMax ? Math.max(byTime.get(t) ?? -Infinity, v) : (byTime.get(t) ?? 0) + v);
  const points = [...byTime].sort(([a], [b]) => a - b);
  return [...kept, { label: `others: ${rest.length} more series (${useMax ? 'highest' : 'sum'})`, points, others: true }];
}

export function formatValue(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return '-';
  if (unit === 'bytes') return v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : `${(v / 1e3).toFixed(0)} kB`;
  if (unit === 's') return v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms`;
  if (unit === 'percentunit') return `${(v * 100).toFixed(1)}%`;
  const suffix = unit === 'ops' ? '/s' : unit === 'reqps' ? ' req/s' : '';
  return `${Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(2)}${suffix}`;
}

const clip = (s: string, px: number) => (s.length * CHAR_W <= px ? s : px < 3 * CHAR_W ? '' : `${s.slice(0, Math.floor(px / CHAR_W) - 1)}…`);

/** Legend entries in as many columns as the panel's width allows, every entry shown. */
export function legendLayout(labels: string[], width: number): { columns: number; rows: number; columnWidth: number } {
  const widest = Math.max(...labels.map((l) => l.length * CHAR_W + 24), 80);
  const columns = Math.max(1, Math.min(labels.length, Math.floor((width - 16) / Math.min(widest, width - 16))));
  return { columns, rows: Math.ceil(labels.length / columns), columnWidth: (width - 16) / columns };
}

/** A band's label, or its short form (`w2` for `wave 2`) where the band is narrow. */
function bandLabel(label: string, px: number): string {
  if (label.length * 5.2 <= px) return label;
  const short = label.replace(/^(\w)\w* (\d+)$/, '$1$2');
  return short.length * 5.2 <= px ? short : '';
}

function timeseries(p: PanelData, w: number, h: number, phases: Phase[], domain?: [number, number]): string {
  const series = foldSmallest(p.series, p.unit);
  const legend = legendLayout(series.map((s) => s.label), w);
  const plot = { x: 58, y: 30, w: w - 76, h: h - 56 - legend.rows * LEGEND_ROW };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<text x="${w / 2}" y="${h / 2}" class="muted" text-anchor="middle">No data</text>`;
  // The run's whole time range on every panel, as Grafana's dashboard time picker does: panels line up.
  const [t0, t1] = domain ?? [Math.min(...all.map(([t]) => t)), Math.max(...all.map(([t]) => t))];
  const top = Math.max(...all.map(([, v]) => v), 0) * 1.1 || 1;
  const x = (t: number) => plot.x + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0 || 1)) * plot.w;
  const y = (v: number) => plot.y + plot.h - (v / top) * plot.h;
  const bands = phases.map(
    (ph, i) =>
      `<rect x="${x(ph.from).toFixed(1)}" y="${plot.y}" width="${Math.max(0, x(ph.to) - x(ph.from)).toFixed(1)}" height="${plot.h}" class="phase${i % 2}"/>` +
      `<text x="${(x(ph.from) + 3).toFixed(1)}" y="${plot.y + 9}" class="phaselabel">${esc(bandLabel(ph.label, x(ph.to) - x(ph.from) - 4))}</text>`,
  );
  const grid = [0, 0.5, 1].map((f) => `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(top * f)}" y2="${y(top * f)}" class="grid"/><text x="${plot.x - 6}" y="${y(top * f) + 4}" class="axis" text-anchor="end">${esc(formatValue(top * f, p.unit))}</text>`);
  const times = [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * (t1 - t0)).map((t) => `<text x="${x(t)}" y="${plot.y + plot.h + 14}" class="axis" text-anchor="middle">${new Date(t * 1000).toISOString().slice(11, 19)}</text>`);
  const color = (s: Series, i: number) => (s.others ? OTHERS_COLOR : COLORS[i % COLORS.length]);
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${color(s, i)}" stroke-width="${s.others ? 1.5 : 2}"${s.others ? ' stroke-dasharray="5 3"' : ''} points="${s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legendTop = h - legend.rows * LEGEND_ROW - 8;
  const entries = series.map((s, i) => {
    const [col, row] = [Math.floor(i / legend.rows), i % legend.rows];
    const [lx, ly] = [12 + col * legend.columnWidth, legendTop + row * LEGEND_ROW];
    return `<rect x="${lx.toFixed(1)}" y="${ly + 5}" width="10" height="3" fill="${color(s, i)}"/><text x="${(lx + 16).toFixed(1)}" y="${ly + 9}" class="legend">${esc(clip(s.label, legend.columnWidth - 22))}</text>`;
  });
  return [...bands, ...grid, ...times, ...lines, ...entries].join('');
}

function colorFor(value: number, thresholds: PanelData['thresholds']): string {
  let color = '#73bf69';
  for (const step of thresholds ?? []) if (step.value === null || value >= step.value) color = ({ green: '#73bf69', red: '#f2495c' } as Record<string, string>)[step.color] ?? step.color;
  return color;
}

/** One value per series, side by side, its label under it (Grafana's stat panel with several series). */
function stat(p: PanelData, w: number, h: number): string {
  if (!p.series.length) return `<text x="${w / 2}" y="${h / 2 + 10}" class="muted" text-anchor="middle">No data</text>`;
  const cellW = w / p.series.length;
  const big = Math.min(34, Math.max(16, (h - 40) * 0.5));
  return p.series
    .map((s, i) => {
      const last = s.points.at(-1)?.[1];
      const cx = cellW * i + cellW / 2;
      const text = last === undefined ? 'No data' : formatValue(last, p.unit);
      const fill = last === undefined ? '#8e8e9e' : colorFor(last, p.thresholds);
      const label = p.series.length > 1 ? `<text x="${cx}" y="${h - 10}" class="legend" text-anchor="middle">${esc(clip(s.label, cellW - 8))}</text>` : '';
      return `<text x="${cx}" y="${(h + big) / 2 + 4}" style="fill:${fill};font:600 ${big}px sans-serif" text-anchor="middle">${esc(text)}</text>${label}`;
    })
    .join('');
}

/** Label columns share the width left of the value columns; rows that do not fit are counted. */
function table(p: PanelData, w: number, h: number): string {
  const t = p.table;
  if (!t || !t.rows.length) return `<text x="${w / 2}" y="${h / 2}" class="muted" text-anchor="middle">No data</text>`;
  const labelColumns = t.columns.length - t.valueColumns;
  const fit = Math.floor((h - 56) / 15);
  const shown = t.rows.length > fit ? t.rows.slice(0, fit - 1) : t.rows;
  // Each column as wide as its longest text; label columns shrink together when the panel is narrow.
  const text = (v: string | number) => (typeof v === 'number' ? formatValue(v, p.unit) : v);
  const widths = t.columns.map((c, i) => Math.max(c.length, ...shown.map((row) => text(row[i]!).length)) * CHAR_W + 14);
  const valueW = widths.slice(labelColumns);
  const room = w - 24 - valueW.reduce((a, b) => a + b, 0);
  const wanted = widths.slice(0, labelColumns).reduce((a, b) => a + b, 0);
  const labelW = widths.slice(0, labelColumns).map((width) => (wanted > room ? (width * room) / wanted : width));
  const left = labelW.map((_, i) => 12 + labelW.slice(0, i).reduce((a, b) => a + b, 0));
  const right = valueW.map((_, i) => w - 12 - valueW.slice(i + 1).reduce((a, b) => a + b, 0));
  const cell = (value: string | number, col: number, yy: number, cls: string) => {
    const isValue = col >= labelColumns;
    const xx = isValue ? right[col - labelColumns]! : left[col]!;
    const shown = isValue ? text(value) : clip(text(value), labelW[col]! - 8);
    return `<text x="${xx.toFixed(1)}" y="${yy}" class="${cls}"${isValue ? ' text-anchor="end"' : ''}>${esc(shown)}</text>`;
  };
  const head = t.columns.map((c, i) => cell(c, i, 44, 'head')).join('') + `<line x1="8" x2="${w - 8}" y1="49" y2="49" class="grid"/>`;
  const body = shown.map((row, r) => row.map((v, i) => cell(v, i, 63 + r * 15, 'legend')).join(''));
  const more = shown.length < t.rows.length ? `<text x="12" y="${63 + shown.length * 15}" class="muted">… ${t.rows.length - shown.length} more rows, smaller</text>` : '';
  return head + body.join('') + more;
}

/** One dashboard as an SVG page laid out like Grafana's 24-column grid. */
export function dashboardSvg(title: string, panels: PanelData[], options: { phases?: Phase[]; subtitle?: string; domain?: [number, number] } = {}): string {
  const height = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h)) * CELL_H + 50;
  const width = 24 * CELL_W + 10;
  const body = panels.map((p) => {
    const [px, py, w, h] = [p.gridPos.x * CELL_W + 5, p.gridPos.y * CELL_H + 45, p.gridPos.w * CELL_W - 6, p.gridPos.h * CELL_H - 6];
    const inner = p.kind === 'stat' ? stat(p, w, h) : p.kind === 'table' ? table(p, w, h) : timeseries(p, w, h, options.phases ?? [], options.domain);
    return `<g transform="translate(${px},${py})"><rect width="${w}" height="${h}" rx="3" class="panel"/><text x="10" y="18" class="title">${esc(clip(p.title, w - 20))}</text>${inner}</g>`;
  });
  const style =
    `.panel{fill:#181b1f;stroke:#2c3235}.title{fill:#ccccdc;font:600 13px sans-serif}.axis{fill:#8e8e9e;font:10px sans-serif}` +
    `.legend{fill:#ccccdc;font:11px sans-serif}.head{fill:#8e8e9e;font:600 11px sans-serif}.muted{fill:#8e8e9e;font:12px sans-serif}.grid{stroke:#2c3235}` +
    `.phase0{fill:#ffffff;fill-opacity:0.045}.phase1{fill:#6ed0e0;fill-opacity:0.05}.phaselabel{fill:#6c6c7a;font:9px sans-serif}`;
  const sub = options.subtitle ? `<text x="${width - 10}" y="28" class="muted" text-anchor="end">${esc(options.subtitle)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><style>${style}</style><rect width="100%" height="100%" fill="#111217"/><text x="10" y="28" class="title" style="font-size:18px">${esc(title)}</text>${sub}${body.join('')}</svg>\n`;
}
