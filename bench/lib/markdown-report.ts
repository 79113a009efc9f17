/** The markdown report and its charts, written beside each other under bench-results/. */
import { barChart, type Bar } from './svg-chart';
import { get, markdownTable, ROWS, tableCells, type Results } from './report-table';

/** Ratio rows with a target, as bars against their target marks. */
export function ratioBars(results: Results): Bar[] {
  const bars: Bar[] = [];
  for (const row of ROWS) {
    if (!row.target || !row.ratio) continue;
    const value = get(results, row.ratio.key);
    if (value === undefined) continue;
    bars.push({ label: `${row.label} / ${row.ratio.of}`, value, text: `${(value * 100).toFixed(0)}%`, target: { value: row.target.value, higherIsBetter: row.target.op === '>=' } });
  }
  return bars;
}

/** Latency figures with a limit (lag, recommendations), as a fraction of that limit. */
export function limitBars(results: Results): Bar[] {
  const bars: Bar[] = [];
  for (const row of ROWS) {
    if (!row.target || row.ratio || row.target.op !== '<') continue;
    const value = get(results, row.key);
    if (value === undefined) continue;
    bars.push({ label: `${row.label} (limit ${row.target.value} ${row.unit})`, value: value / row.target.value, text: `${value.toFixed(2)} ${row.unit}`, target: { value: 1, higherIsBetter: false } });
  }
  return bars;
}

/** p50, p99 and hub p99 of recommendFriends at each size of the scale curve. */
export function scaleBars(results: Results): Bar[] {
  const curve = (results.recommendation as { scale?: { users: number; p50Ms: number; p99Ms: number; hubP99Ms: number }[] } | undefined)?.scale ?? [];
  return curve.flatMap((s) => [
    { label: `${s.users.toLocaleString('en-US')} users p50`, value: s.p50Ms, text: `${s.p50Ms.toFixed(3)} ms` },
    { label: `${s.users.toLocaleString('en-US')} users p99`, value: s.p99Ms, text: `${s.p99Ms.toFixed(3)} ms`, target: { value: 1, higherIsBetter: false } },
    { label: `${s.users.toLocaleString('en-US')} users, 100 hubs p99`, value: s.hubP99Ms, text: `${s.hubP99Ms.toFixed(3)} ms` },
  ]);
}

export interface Charts {
  [file: string]: string;
}

export function charts(results: Results): Charts {
  const out: Charts = {};
  const ratios = ratioBars(results);
  if (ratios.length) out['ratios.svg'] = barChart('Ratios against their baseline (dashed: target)', ratios, { max: Math.max(1, ...ratios.map((b) => b.value)) });
  const limits = limitBars(results);
  if (limits.length) out['limits.svg'] = barChart('Latencies as a share of their limit (dashed: limit)', limits, { max: Math.max(1.2, ...limits.map((b) => b.value)) });
  const scale = scaleBars(results);
  if (scale.length) out['scale.svg'] = barChart('recommendFriends from memory, by graph size (ms)', scale);
  return out;
}

export function markdownReport(results: Results, meta: { title: string; command: string; machine: string; warnings: string[] }, chartFiles: string[]): string {
  const lines = [
    `# ${meta.title}`,
    '',
    `\`${meta.command}\` on ${meta.machine}.`,
    '',
    'Absolute figures on a shared 2-core machine are noisy; the ratios compare measurements taken',
    'back to back in the same run and are the figures to judge by.',
    '',
    markdownTable(tableCells(results)),
    '',
    ...chartFiles.map((f) => `![${f}](${f})\n`),
  ];
  if (meta.warnings.length) lines.push('## Warnings', '', ...meta.warnings.map((w) => `- ${w}`), '');
  lines.push('## All figures', '', '```json', JSON.stringify(results, null, 2), '```', '');
  return lines.join('\n');
}
