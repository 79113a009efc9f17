// A Grafana panel's data as Grafana would show it, from a real Prometheus: time series from range
// queries, stats from their last values, tables from instant queries joined on their shared labels.
import type { PromSample, RunningPrometheus } from './prometheus';
import { KAFKA_ONLY, withGrafanaVariables } from './scenario';
import { toSeries, type PanelData, type TableData } from './svg-chart';

/** Labels Prometheus adds that say nothing on a dashboard of one job. */
const HIDDEN_LABELS = new Set(['__name__', 'job']);
/** Columns first in this order, the rest alphabetically: what a reader looks for first. */
const COLUMN_ORDER = ['service', 'instance', 'method', 'route', 'status', 'version'];

/**
 * Instant table queries merged into one table, as Grafana's "merge" transformation does: rows of
 * different queries with the same values of the labels they share become one row, each query's
 * value in a column of its own (named by the panel's "organize" renames, else `Value #<refId>`).
 * Without it, rows of `bun_info` and `up` were listed one after the other, half of them without a version.
 */
export function mergeTable(results: { refId: string; samples: PromSample[] }[], renames: Record<string, string> = {}): TableData {
  const labelSets = results.map(({ samples }) => new Set(samples.flatMap((s) => Object.keys(s.metric)).filter((k) => !HIDDEN_LABELS.has(k))));
  const shared = labelSets.length ? [...labelSets[0]!].filter((k) => labelSets.every((set) => set.has(k))) : [];
  const labels = [...new Set(labelSets.flatMap((set) => [...set]))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rows = new Map<string, { labels: Record<string, string>; values: (number | string)[] }>();
  results.forEach(({ samples }, q) => {
    for (const s of samples) {
      const key = JSON.stringify(shared.map((k) => s.metric[k] ?? ''));
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { labels: {}, values: results.map(() => '') }));
      for (const k of labels) if (s.metric[k] !== undefined) row.labels[k] = s.metric[k]!;
      row.values[q] = Number(s.value[1]);
    }
  });
  const valueNames = results.map(({ refId }) => renames[`Value #${refId}`] ?? (results.length === 1 ? renames.Value ?? 'Value' : `Value #${refId}`));
  const sorted = [...rows.values()].sort((a, b) => (Number(b.values[0]) || 0) - (Number(a.values[0]) || 0) || labels.map((k) => (a.labels[k] ?? '').localeCompare(b.labels[k] ?? '')).find((c) => c !== 0) || 0);
  return { columns: [...labels, ...valueNames], valueColumns: results.length, rows: sorted.map((r) => [...labels.map((k) => r.labels[k] ?? ''), ...r.values]) };
}

const rank = (label: string) => {
  const i = COLUMN_ORDER.indexOf(label);
  return i === -1 ? COLUMN_ORDER.length : i;
};

/**
 * The data of one dashboard panel over [start, end]. Rates over 10 s keep waves visible at a 2 s
 * step; a table's rates are averaged over the whole run instead, so its numbers say how the run's
 * traffic was spread rather than what the quiet last seconds held.
 */
export async function panelData(prometheus: RunningPrometheus, p: any, start: Date, end: Date): Promise<PanelData> {
  const kind: PanelData['kind'] = p.type === 'stat' ? 'stat' : p.type === 'table' ? 'table' : 'timeseries';
  const targets = (p.targets ?? []).filter((t: any) => t.expr);
  const base = { kind, unit: p.fieldConfig?.defaults?.unit, gridPos: p.gridPos, thresholds: p.fieldConfig?.defaults?.thresholds?.steps };
  const title = KAFKA_ONLY.test(p.description ?? '') ? `${p.title} (Kafka mode only: no data in the all-in-one)` : p.title;
  if (kind === 'table') {
    const window = `${Math.max(10, Math.round((end.getTime() - start.getTime()) / 1000))}s`;
    const results = [];
    for (const t of targets) results.push({ refId: t.refId ?? 'A', samples: await prometheus.query(withGrafanaVariables(t.expr, window), end) });
    const organize = (p.transformations ?? []).find((x: any) => x.id === 'organize');
    const averaged = targets.some((t: any) => t.expr.includes('$__rate_interval'));
    return { ...base, title: averaged ? `${title} (averages over the run)` : title, series: [], table: mergeTable(results, organize?.options?.renameByName) };
  }
  const series: PanelData['series'] = [];
  for (const t of targets) series.push(...toSeries(await prometheus.queryRange(withGrafanaVariables(t.expr, '10s'), start, end, 2), t.legendFormat));
  return { ...base, title, series };
}
