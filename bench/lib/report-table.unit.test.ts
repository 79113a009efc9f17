import { describe, expect, test } from 'bun:test';
import { formatNumber, get, judge, markdownTable, ROWS, set, tableCells, textTable } from './report-table';

describe('get and set', () => {
  test('nested keys', () => {
    const r = {};
    set(r, 'http.gatewayToDirect', 0.9);
    set(r, 'http.rawBunRps', 100);
    expect(r).toEqual({ http: { gatewayToDirect: 0.9, rawBunRps: 100 } });
    expect(get(r, 'http.rawBunRps')).toBe(100);
    expect(get(r, 'http.missing')).toBeUndefined();
    expect(get(r, 'nothing.at.all')).toBeUndefined();
    set(r, 'x', Number.NaN);
    expect(get(r, 'x')).toBeUndefined();
  });
});

describe('judge', () => {
  const row = (key: string) => ROWS.find((r) => r.key === key)!;
  test('ratio targets are judged on the ratio, limits on the figure', () => {
    expect(judge({ http: { gatewayRps: 10, gatewayToDirect: 0.86 } }, row('http.gatewayRps'))).toBe('met');
    expect(judge({ http: { gatewayRps: 10, gatewayToDirect: 0.5 } }, row('http.gatewayRps'))).toBe('NOT MET');
    expect(judge({ projectionLag: { p99Ms: 49.9 } }, row('projectionLag.p99Ms'))).toBe('met');
    expect(judge({ projectionLag: { p99Ms: 50 } }, row('projectionLag.p99Ms'))).toBe('NOT MET');
    expect(judge({}, row('projectionLag.p99Ms'))).toBe('not measured');
    expect(judge({}, row('http.rawBunRps'))).toBeUndefined();
    expect(judge({ projection: { applyPerSec: 3000, applyToCommands: 3.1 } }, row('projection.applyPerSec'))).toBe('met');
    expect(judge({ projection: { applyPerSec: 1000, applyToCommands: 1.2 } }, row('projection.applyPerSec'))).toBe('NOT MET');
    // Distributed reads: throughput at least half the all-in-one's, p99 under twice its.
    expect(judge({ recommendation: { distributed: { rps: 1500, rpsToAllInOne: 0.55 } } }, row('recommendation.distributed.rps'))).toBe('met');
    expect(judge({ recommendation: { distributed: { p99Ms: 30, p99ToAllInOne: 2.3 } } }, row('recommendation.distributed.p99Ms'))).toBe('NOT MET');
  });
  test('every target of the brief has a row', () => {
    const judged = ROWS.filter((r) => r.target).map((r) => r.ratio?.key ?? r.key);
    expect(judged.sort()).toEqual(
      [
        'http.distributedGatewayToDirect',
        'http.elysiaToRaw',
        'http.gatewayToDirect',
        'projectionLag.distributed.p99Ms',
        'projectionLag.p99Ms',
        'recommendation.memory.p99Ms',
        'writes.commandToRawInsert',
        'writes.postgres.commandToRawInsert',
        'consistency.allInOne.stale',
        'consistency.distributed.stale',
        'projection.applyToCommands',
        'projection.endOfBurstLagMs',
        'restart.startMs',
        'restart.peakRssMb',
        'recommendation.log.bytesPerEvent',
        'recommendation.distributed.rpsToAllInOne',
        'recommendation.distributed.p99ToAllInOne',
        'recommendation.distributed.mutualRpsToAllInOne',
        'recommendation.distributed.mutualP99ToAllInOne',
      ].sort(),
    );
  });
});

describe('tables', () => {
  const results = { http: { rawBunRps: 150_000, directRps: 50_000, elysiaToRaw: 0.333 } };
  test('figures beside ratios and targets; unmeasured targets still listed', () => {
    const cells = tableCells(results);
    expect(cells[0]).toEqual(['figure', 'value', 'unit', 'ratio', 'target', 'status']);
    expect(cells).toContainEqual(['HTTP module direct (Elysia)', '50,000', 'req/s', '33% of raw', '≥ 80%', 'NOT MET']);
    expect(cells.find((c) => c[0] === 'projection lag p99')![5]).toBe('not measured');
    expect(cells.find((c) => c[0] === 'all-in-one RSS idle')).toBeUndefined();
  });
  test('text and markdown forms', () => {
    const cells = tableCells(results);
    const text = textTable(cells).split('\n');
    expect(text[1]).toMatch(/^-+ +-+/);
    expect(new Set(text.slice(0, 2).map((l) => l.indexOf('value') >= 0 || true)).size).toBe(1);
    const md = markdownTable(cells).split('\n');
    expect(md[1]).toBe('| --- | ---: | --- | --- | --- | --- |');
    expect(md).toHaveLength(cells.length + 1);
  });
  test('formatNumber', () => {
    expect(formatNumber(154596.4)).toBe('154,596');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(40.35)).toBe('40.4');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.012');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(undefined)).toBe('-');
  });
});
