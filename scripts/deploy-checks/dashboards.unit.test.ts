/** The dashboards choose their datasource and namespace by variables; the checker notices otherwise. */
import { expect, test } from 'bun:test';
import { dashboardProblems, dashboards, unscopedSelectors } from './dashboards';

test('no dashboard hard-codes a datasource, and every metric selector is scoped by $namespace', () => {
  expect(dashboards().length).toBeGreaterThanOrEqual(4);
  expect(dashboardProblems()).toEqual([]);
});

test('finds unscoped selectors, not functions, aggregations or label lists', () => {
  const expr = 'sum by (service) (rate(up[1m])) / on(service) group_left(version) bun_info{x="1"} and histogram_quantile(0.9, sum by (le) (rate(a_bucket{namespace=~"$namespace"}[5m])))';
  expect(unscopedSelectors(expr)).toEqual(['up', 'bun_info']);
});

test('reports a hard-coded uid, a missing variable and an unscoped query', () => {
  const [first] = dashboards();
  const json = structuredClone(first!.json);
  json.panels[0].datasource = { type: 'prometheus', uid: 'prometheus' };
  json.panels[0].targets[0].expr = 'sum(up)';
  json.templating.list = json.templating.list.filter((v: any) => v.name !== 'namespace');
  const problems = dashboardProblems([{ file: 'x.json', json }]).join('\n');
  expect(problems).toContain('datasource uid "prometheus" is hard-coded');
  expect(problems).toContain('no "namespace" query variable');
  expect(problems).toContain('up is not scoped');
});
