import { describe, expect, test } from 'bun:test';
import { charts, limitBars, markdownReport, ratioBars, scaleBars } from './markdown-report';
import { barChart } from './svg-chart';

const results = {
  http: { rawBunRps: 100, directRps: 50, gatewayRps: 45, elysiaToRaw: 0.5, gatewayToDirect: 0.9 },
  projectionLag: { p99Ms: 10 },
  recommendation: { scale: [{ users: 1000, p50Ms: 0.05, p99Ms: 0.3, hubP99Ms: 0.5 }] },
};

describe('chart data', () => {
  test('ratios with targets, limits as a share of the limit, the scale curve', () => {
    expect(ratioBars(results).map((b) => [b.value, b.target?.value])).toEqual([[0.5, 0.8], [0.9, 0.85]]);
    expect(limitBars(results)).toEqual([{ label: 'projection lag p99 (limit 50 ms)', value: 0.2, text: '10.00 ms', target: { value: 1, higherIsBetter: false } }]);
    expect(scaleBars(results)).toHaveLength(3);
    expect(Object.keys(charts(results)).sort()).toEqual(['limits.svg', 'ratios.svg', 'scale.svg']);
    expect(charts({})).toEqual({});
  });
});

describe('barChart', () => {
  test('standalone SVG, one bar per row, coloured by target, labels escaped', () => {
    const svg = barChart('A <title>', [
      { label: 'met', value: 0.9, text: '90%', target: { value: 0.85, higherIsBetter: true } },
      { label: 'missed & low', value: 0.5, text: '50%', target: { value: 0.85, higherIsBetter: true } },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &lt;title&gt;');
    expect(svg).toContain('missed &amp; low');
    expect(svg).toContain('#4c9a5b'); // met
    expect(svg).toContain('#c75a4a'); // not met
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
  });
});

describe('markdownReport', () => {
  test('table, charts, warnings and the raw figures', () => {
    const md = markdownReport(results, { title: 'T', command: 'bun run bench', machine: 'm', warnings: ['w1'] }, ['ratios.svg']);
    expect(md).toContain('# T');
    expect(md).toContain('| HTTP gateway, all-in-one | 45 | req/s | 90% of direct | ≥ 85% | met |');
    expect(md).toContain('![ratios.svg](ratios.svg)');
    expect(md).toContain('- w1');
    expect(md).toContain('"gatewayToDirect": 0.9');
  });
});
