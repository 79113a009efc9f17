import { expect, test } from 'bun:test';
import { mergeTable } from './panel-data';
import { dashboardSvg, foldSmallest, legendLayout, MAX_LINES, type Series } from './svg-chart';

const line = (label: string, values: number[]): Series => ({ label, points: values.map((v, i) => [i, v] as [number, number]) });

test('a crowded panel keeps its highest series and folds the rest into one explicit "others" line', () => {
  const many = Array.from({ length: 12 }, (_, i) => line(`s${i}`, [i, i + 1]));
  const rates = foldSmallest(many, 'reqps');
  expect(rates).toHaveLength(MAX_LINES);
  expect(rates.slice(0, -1).map((s) => s.label)).toEqual(['s11', 's10', 's9', 's8', 's7', 's6', 's5']);
  // Rates of the rest add up; durations cannot, so their line is the highest of them.
  expect(rates.at(-1)).toMatchObject({ label: 'others: 5 more series (sum)', others: true, points: [[0, 10], [1, 15]] });
  expect(foldSmallest(many, 's').at(-1)).toMatchObject({ label: 'others: 5 more series (highest)', points: [[0, 4], [1, 5]] });
  expect(foldSmallest(many.slice(0, MAX_LINES), 'reqps')).toHaveLength(MAX_LINES);
});

test('the legend shows every line, in as many columns as fit', () => {
  expect(legendLayout(['a', 'b', 'c', 'd', 'e'], 1000)).toMatchObject({ columns: 5, rows: 1 });
  expect(legendLayout(['gateway 127.0.0.1:40533', 'user 127.0.0.1:38605', 'friend 127.0.0.1:41267'], 470).rows).toBe(2);
  const svg = dashboardSvg('d', [{ title: 'p', kind: 'timeseries', series: Array.from({ length: 6 }, (_, i) => line(`series-${i}`, [1, 2])), gridPos: { x: 0, y: 0, w: 8, h: 8 } }]);
  for (let i = 0; i < 6; i++) expect(svg).toContain(`series-${i}`);
  expect(svg).not.toContain('more</text>');
});

test('table queries are merged on the labels they share: one row per port, version and up side by side', () => {
  const at = 1_700_000_000;
  const table = mergeTable(
    [
      { refId: 'A', samples: [{ metric: { service: 'user', instance: 'h:1', version: '1.4.5' }, value: [at, '1'] }, { metric: { service: 'gateway', instance: 'h:2', version: '1.4.5' }, value: [at, '1'] }] },
      { refId: 'B', samples: [{ metric: { service: 'user', instance: 'h:1', job: 'x' }, value: [at, '1'] }, { metric: { service: 'gateway', instance: 'h:2' }, value: [at, '0'] }] },
    ],
    { 'Value #A': 'bun_info', 'Value #B': 'up' },
  );
  expect(table.columns).toEqual(['service', 'instance', 'version', 'bun_info', 'up']);
  expect(table.rows).toEqual([
    ['gateway', 'h:2', '1.4.5', 1, 0],
    ['user', 'h:1', '1.4.5', 1, 1],
  ]);
});
