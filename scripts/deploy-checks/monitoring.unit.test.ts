/** The checks of the rendered operator objects and dashboard ConfigMaps reject what they should. */
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboards } from './dashboards';
import { checkMonitoring, splitOperatorObjects } from './monitoring';

const chart = join(import.meta.dir, '..', '..', 'deploy', 'helm', 'social-network');
const modules = ['discovery', 'user', 'friend', 'recommendation', 'gateway'];
const selector = { 'app.kubernetes.io/name': 'social-network', 'app.kubernetes.io/instance': 'sn' };
const service = (m: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `sn-${m}`, labels: { ...selector, 'app.kubernetes.io/component': m } }, spec: { ports: [{ name: 'http', port: 1 }] } });
const valid = () => [
  ...modules.map(service),
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'sn' }, spec: {
    selector: { matchLabels: selector, matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: modules }] },
    endpoints: [{ port: 'http', path: '/metrics', honorLabels: true }],
  } },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'sn' }, spec: Bun.YAML.parse(readFileSync(join(chart, 'files', 'alerts.yaml'), 'utf8')) },
  ...dashboards().map(({ file, json }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: file, labels: { grafana_dashboard: '1' } }, data: { [file]: JSON.stringify(json) } })),
];
const render = (docs: object[]) => docs.map((d) => `---\n${JSON.stringify(d)}`).join('\n');

test('a consistent rendering passes', () => {
  expect(checkMonitoring(render(valid()))).toEqual([]);
});

test('a ServiceMonitor that misses a module or renames `service`, an edited rule, a missing dashboard are reported', () => {
  const docs: any[] = valid();
  const monitor = docs.find((d) => d.kind === 'ServiceMonitor');
  monitor.spec.selector.matchExpressions[0].values = modules.slice(1);
  monitor.spec.endpoints[0].honorLabels = false;
  docs.find((d) => d.kind === 'PrometheusRule').spec.groups[0].rules[0].expr = 'vector(1)';
  const problems = checkMonitoring(render(docs.filter((d) => d.metadata.name !== 'overview.json'))).join('\n');
  expect(problems).toContain('not every module');
  expect(problems).toContain('without honorLabels');
  expect(problems).toContain('differs from files/alerts.yaml');
  expect(problems).toContain('holds overview.json');
});

test('splits helm output into core objects and the operator custom resources', () => {
  const yaml = '---\n# Source: a\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\n# Source: b\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: b }\n';
  const { core, operator } = splitOperatorObjects(yaml);
  expect(core).toContain('kind: Service\n');
  expect(core).not.toContain('ServiceMonitor');
  expect(operator).toContain('kind: ServiceMonitor');
});
