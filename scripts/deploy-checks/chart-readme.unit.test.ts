/** The chart's README table is what values.yaml generates, and every setting is described. */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART, keyComments, parameterRows, withTable } from './chart-readme';

const read = (file: string) => readFileSync(join(CHART, file), 'utf8');

describe('chart README', () => {
  test('its parameter table is up to date (run: bun scripts/deploy-checks/chart-readme.ts)', () => {
    const readme = read('README.md');
    expect(readme).toBe(withTable(readme));
  });

  test('every setting of values.yaml has a row with a description', () => {
    const rows = parameterRows(read('values.yaml'), JSON.parse(read('values.schema.json')));
    expect(rows.length).toBeGreaterThan(80);
    expect(rows.filter((r) => !r.description).map((r) => r.path)).toEqual([]);
    for (const path of ['serviceMonitor.enabled', 'grafanaDashboards.label', 'serviceAccount.create', 'modules.<name>.nodeSelector', 'extraEnvFrom', 'probes.liveness']) {
      expect(rows.map((r) => r.path)).toContain(path);
    }
  });

  test('a comment describes the key right below it, at any depth', () => {
    const comments = keyComments('# top\na:\n  # inner one\n  # and two\n  b: 1\n\n  c: 2\n# last\nd: 3\n');
    expect(Object.fromEntries(comments)).toEqual({ a: 'top', 'a.b': 'inner one and two', d: 'last' });
  });

  test('a stale table is noticed', () => {
    const readme = read('README.md');
    expect(withTable(readme.replace('| `serviceMonitor.enabled` | `false` |', '| `serviceMonitor.enabled` | `true` |'))).not.toBe(readme.replace('| `serviceMonitor.enabled` | `false` |', '| `serviceMonitor.enabled` | `true` |'));
  });
});

describe('values.schema.json', () => {
  test('describes every property it declares', () => {
    const missing: string[] = [];
    const visit = (node: any, path: string) => {
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
        if (!child.description) missing.push(`${path}${key}`);
        visit(child, `${path}${key}.`);
      }
    };
    const schema = JSON.parse(read('values.schema.json'));
    visit(schema, '');
    for (const [name, definition] of Object.entries<any>(schema.definitions)) visit(definition, `definitions.${name}.`);
    expect(missing).toEqual([]);
  });
});

test('Chart.yaml names its home, sources and maintainers', () => {
  const chart = Bun.YAML.parse(read('Chart.yaml')) as any;
  expect(chart.home).toMatch(/^https:\/\//);
  expect(chart.sources.length).toBeGreaterThan(0);
  expect(chart.maintainers[0].name).toBeTruthy();
});
