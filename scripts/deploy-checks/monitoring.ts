/**
 * The chart's Prometheus Operator objects and dashboard ConfigMaps, checked against the chart and
 * the code (the CRD schemas, through kubeconform, check their shape): the ServiceMonitor finds
 * every module's Service and keeps the modules' own `service` label, the PrometheusRule holds
 * exactly files/alerts.yaml (which promtool unit-tests), and each dashboard ships unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboards } from './dashboards';

type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };
const chart = join(import.meta.dir, '..', '..', 'deploy', 'helm', 'social-network');
const MODULES = ['discovery', 'user', 'friend', 'recommendation', 'gateway'];
const isOperator = (doc: string) => /^apiVersion: monitoring\.coreos\.com\//m.test(doc);

/** helm's output cut in two: what the Kubernetes schemas know, and the operator's custom resources. */
export function splitOperatorObjects(yaml: string): { core: string; operator: string } {
  const docs = yaml.split(/^---\s*$/m).filter((d) => /^kind: /m.test(d));
  const join = (list: string[]) => list.map((d) => `---${d.startsWith('\n') ? '' : '\n'}${d.trimEnd()}\n`).join('');
  return { core: join(docs.filter((d) => !isOperator(d))), operator: join(docs.filter(isOperator)) };
}

/** JSON with keys sorted: helm's toYaml sorts them, files/alerts.yaml need not. */
const canonical = (value: unknown): string => JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

export function checkMonitoring(yaml: string, dashboardLabel: [string, string] = ['grafana_dashboard', '1']): string[] {
  const docs = (Bun.YAML.parse(yaml) as (Doc | null)[]).filter((d): d is Doc => Boolean(d));
  const problems: string[] = [];
  const services = docs.filter((d) => d.kind === 'Service');

  const monitors = docs.filter((d) => d.kind === 'ServiceMonitor');
  if (monitors.length !== 1) problems.push(`${monitors.length} ServiceMonitors rendered; expected one`);
  for (const monitor of monitors) {
    const { matchLabels = {}, matchExpressions = [] } = monitor.spec.selector;
    const selected = services.filter((s) => matches(matchLabels, s.metadata.labels) && matchExpressions.every((e: any) => e.operator === 'In' && e.values.includes(s.metadata.labels?.[e.key])));
    const components = selected.map((s) => s.metadata.labels?.['app.kubernetes.io/component']).sort();
    if (components.join() !== [...MODULES].sort().join()) problems.push(`ServiceMonitor selects the Services of [${components}], not every module's`);
    for (const endpoint of monitor.spec.endpoints) {
      if (!selected.every((s) => s.spec.ports.some((p: any) => p.name === endpoint.port))) problems.push(`ServiceMonitor port ${endpoint.port} is not a named port of every module Service`);
      if (endpoint.path !== '/metrics') problems.push(`ServiceMonitor scrapes ${endpoint.path}, the modules serve /metrics`);
      if (endpoint.honorLabels !== true) problems.push('ServiceMonitor without honorLabels: the Service name would replace the modules\' `service` label');
    }
  }

  const rules = docs.filter((d) => d.kind === 'PrometheusRule');
  const alerts = Bun.YAML.parse(readFileSync(join(chart, 'files', 'alerts.yaml'), 'utf8')) as { groups: unknown[] };
  if (rules.length !== 1) problems.push(`${rules.length} PrometheusRules rendered; expected one`);
  else if (canonical(rules[0]!.spec.groups) !== canonical(alerts.groups)) problems.push('the PrometheusRule differs from files/alerts.yaml');

  const [label, value] = dashboardLabel;
  const maps = docs.filter((d) => d.kind === 'ConfigMap' && d.metadata.labels?.[label] === value);
  for (const { file, json } of dashboards()) {
    const map = maps.find((m) => file in (m.data ?? {}));
    if (!map) problems.push(`no ConfigMap labelled ${label}=${value} holds ${file}`);
    else if (canonical(JSON.parse(map.data[file])) !== canonical(json)) problems.push(`ConfigMap ${map.metadata.name} holds a different ${file}`);
  }
  return problems;
}
