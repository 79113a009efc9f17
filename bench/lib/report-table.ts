/**
 * The rows of the results table: which figure, its unit, what it is compared with, and the target
 * it is judged against. Targets are reported as met or not met, never asserted: on a shared
 * 2-core machine a failed target is information, not a broken build.
 */

export type Results = Record<string, unknown>;

/** Reads "a.b.c" from nested objects; undefined when any step is missing. */
export function get(results: Results, key: string): number | undefined {
  let at: unknown = results;
  for (const part of key.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

/** Sets "a.b.c", creating the objects on the way. */
export function set(results: Results, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = results as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
  at[parts.at(-1)!] = value;
}

export interface Target {
  op: '>=' | '<';
  value: number;
}

export interface Row {
  label: string;
  key: string;
  unit: string;
  /** A ratio key shown beside the figure, and what it is relative to; `times` shows 69× instead of a percentage. */
  ratio?: { key: string; of: string; times?: boolean };
  target?: Target;
  /** The key the target applies to, when not `ratio.key` or `key`. */
  judged?: string;
}

/** Reads sent with their command's token: how long they waited, beside how many had to; none may be stale. */
function consistencyRows(mode: string, prefix: string): Row[] {
  return [
    { label: `consistent read wait p50, ${mode}`, key: `${prefix}.waitP50Ms`, unit: 'ms', ratio: { key: `${prefix}.waitedShare`, of: 'reads waited' } },
    { label: `consistent read wait p99, ${mode}`, key: `${prefix}.waitP99Ms`, unit: 'ms' },
    { label: `consistent reads stale, ${mode}`, key: `${prefix}.stale`, unit: 'reads', target: { op: '<', value: 1 } },
  ];
}

export const ROWS: Row[] = [
  { label: 'HTTP raw Bun.serve', key: 'http.rawBunRps', unit: 'req/s' },
  { label: 'HTTP bare Elysia, same route', key: 'http.bareElysiaRps', unit: 'req/s', ratio: { key: 'http.bareElysiaToRaw', of: 'raw' } },
  { label: 'HTTP module direct (Elysia)', key: 'http.directRps', unit: 'req/s', ratio: { key: 'http.elysiaToRaw', of: 'raw' }, target: { op: '>=', value: 0.8 } },
  { label: 'HTTP gateway, all-in-one', key: 'http.gatewayRps', unit: 'req/s', ratio: { key: 'http.gatewayToDirect', of: 'direct' }, target: { op: '>=', value: 0.85 } },
  { label: 'HTTP gateway added latency p50', key: 'http.gatewayAddedP50Ms', unit: 'ms' },
  { label: 'HTTP gateway added latency p99', key: 'http.gatewayAddedP99Ms', unit: 'ms' },
  { label: 'HTTP gateway, own process', key: 'http.distributed.gatewayRps', unit: 'req/s', ratio: { key: 'http.distributedGatewayToDirect', of: 'direct' }, target: { op: '>=', value: 0.5 } },
  { label: 'raw insert tx (PGlite)', key: 'writes.rawInsertTxPerSec', unit: 'tx/s' },
  { label: 'createUser via gateway', key: 'writes.createUserPerSec', unit: '/s', ratio: { key: 'writes.commandToRawInsert', of: 'raw tx' }, target: { op: '>=', value: 0.5 } },
  { label: 'addFriend via gateway', key: 'writes.addFriendPerSec', unit: '/s', ratio: { key: 'writes.addFriendToRawInsert', of: 'raw tx' } },
  { label: 'createUser p50, 1 in flight', key: 'writes.createUserAtOneP50Ms', unit: 'ms' },
  { label: 'new user key, made and wrapped', key: 'sealing.newKeyUs', unit: 'µs' },
  { label: 'names sealed, with digest', key: 'sealing.sealUs', unit: 'µs', ratio: { key: 'sealing.createUserShare', of: 'createUser p50 (key + seal)' } },
  { label: 'names opened', key: 'sealing.openUs', unit: 'µs' },
  { label: 'stored key unwrapped (cache miss)', key: 'sealing.unwrapUs', unit: 'µs' },
  { label: 'raw insert tx (PostgreSQL)', key: 'writes.postgres.rawInsertTxPerSec', unit: 'tx/s' },
  { label: 'createUser, distributed', key: 'writes.postgres.createUserPerSec', unit: '/s', ratio: { key: 'writes.postgres.commandToRawInsert', of: 'raw tx' }, target: { op: '>=', value: 0.5 } },
  { label: 'addFriend, distributed', key: 'writes.postgres.addFriendPerSec', unit: '/s', ratio: { key: 'writes.postgres.addFriendToRawInsert', of: 'raw tx' } },
  { label: 'createUser p50, 1 in flight, distributed', key: 'writes.postgres.createUserAtOneP50Ms', unit: 'ms' },
  { label: 'projection lag p50', key: 'projectionLag.p50Ms', unit: 'ms' },
  { label: 'projection lag p99', key: 'projectionLag.p99Ms', unit: 'ms', target: { op: '<', value: 50 } },
  { label: 'projection lag max', key: 'projectionLag.maxMs', unit: 'ms' },
  { label: 'projection lag, at load', key: 'projectionLag.loadPerSec', unit: 'addFriend/s' },
  { label: 'projection lag p99, distributed, worst of 5 runs', key: 'projectionLag.distributed.p99Ms', unit: 'ms', target: { op: '<', value: 200 } },
  ...consistencyRows('all-in-one', 'consistency.allInOne'),
  ...consistencyRows('distributed', 'consistency.distributed'),
  { label: 'projection rebuild (events in the log)', key: 'projection.events', unit: 'events' },
  { label: 'projection rebuild, memory graph from PGlite log', key: 'projection.rebuildEventsPerSec', unit: 'events/s' },
  { label: 'asOf recommendFriends p50', key: 'asOf.p50Ms', unit: 'ms' },
  { label: 'asOf recommendFriends p99', key: 'asOf.p99Ms', unit: 'ms' },
  { label: 'asOf findMutualFriends p99', key: 'asOf.mutualP99Ms', unit: 'ms' },
  { label: 'asOf recommendFriends p99, PostgreSQL log', key: 'asOf.postgres.p99Ms', unit: 'ms' },
  { label: 'projection apply rate (batches of 16)', key: 'projection.applyPerSec', unit: 'events/s', ratio: { key: 'projection.applyToCommands', of: 'fastest command', times: true }, target: { op: '>=', value: 3 } },
  { label: 'projection lag after a burst', key: 'projection.endOfBurstLagMs', unit: 'ms', target: { op: '<', value: 200 } },
  { label: 'recommend users (avg degree)', key: 'recommendation.users', unit: 'users' },
  { label: 'recommend from memory p50', key: 'recommendation.memory.p50Ms', unit: 'ms' },
  { label: 'recommend from memory p99', key: 'recommendation.memory.p99Ms', unit: 'ms', target: { op: '<', value: 1 } },
  { label: 'recommend p99, best of 3 per user', key: 'recommendation.memory.quietP99Ms', unit: 'ms' },
  { label: 'recommend, 100 hubs p99', key: 'recommendation.memory.hubP99Ms', unit: 'ms' },
  { label: 'recommend throughput', key: 'recommendation.memory.qps', unit: 'q/s' },
  { label: 'mutual friends p99', key: 'recommendation.mutual.p99Ms', unit: 'ms' },
  { label: 'graph memory per edge', key: 'recommendation.memory.bytesPerEdge', unit: 'bytes' },
  { label: 'edge add/remove, live graph', key: 'recommendation.memory.edgeUpdateUs', unit: 'µs' },
  { label: 'edge add/remove, in batches of 100, each', key: 'recommendation.memory.edgeUpdateBatchedUs', unit: 'µs' },
  ...readRows(),
  { label: 'recommend from Neo4j p50', key: 'recommendation.neo4j.p50Ms', unit: 'ms' },
  { label: 'recommend from Neo4j p99', key: 'recommendation.neo4j.p99Ms', unit: 'ms', ratio: { key: 'recommendation.neo4j.p99VsMemory', of: 'memory p99, same size', times: true } },
  { label: 'all-in-one RSS idle', key: 'memory.allInOneIdleRssMb', unit: 'MB' },
  { label: 'all-in-one RSS with the graph', key: 'memory.allInOneLoadedRssMb', unit: 'MB' },
  { label: 'recommendation data dir (disk)', key: 'memory.recommendationDataDirMb', unit: 'MB' },
  { label: 'all-in-one start, whole log replayed', key: 'memory.allInOneRebuildStartMs', unit: 'ms' },
  { label: 'restart from a graph snapshot', key: 'restart.startMs', unit: 'ms', target: { op: '<', value: 3000 } },
  { label: 'restart peak RSS', key: 'restart.peakRssMb', unit: 'MB', target: { op: '<', value: 600 } },
  { label: 'recommendation log on disk per event', key: 'recommendation.log.bytesPerEvent', unit: 'bytes', target: { op: '<', value: 250 } },
  ...millionUserRows(),
  { label: 'distributed modules RSS (sum)', key: 'memory.distributedModulesRssMb', unit: 'MB' },
];

/**
 * Recommendation reads through the gateway on one graph (`--distributed`, bench/suites/reads.ts):
 * distributed reads from the replica judged against the all-in-one, and from Neo4j for comparison.
 */
function readRows(): Row[] {
  const rows: Row[] = [];
  const queries = [
    { query: 'recommendFriends', rps: 'rps', p99: 'p99Ms', rpsRatio: 'rpsToAllInOne', p99Ratio: 'p99ToAllInOne' },
    { query: 'findMutualFriends', rps: 'mutualRps', p99: 'mutualP99Ms', rpsRatio: 'mutualRpsToAllInOne', p99Ratio: 'mutualP99ToAllInOne' },
  ];
  for (const { query, rps, p99, rpsRatio, p99Ratio } of queries) {
    rows.push(
      { label: `${query} via gateway, all-in-one`, key: `recommendation.allInOne.${rps}`, unit: 'req/s' },
      { label: `${query} via gateway p99, all-in-one`, key: `recommendation.allInOne.${p99}`, unit: 'ms' },
      { label: `${query} via gateway, distributed (replica)`, key: `recommendation.distributed.${rps}`, unit: 'req/s', ratio: { key: `recommendation.distributed.${rpsRatio}`, of: 'all-in-one' }, target: { op: '>=', value: 0.5 } },
      { label: `${query} via gateway p99, distributed (replica)`, key: `recommendation.distributed.${p99}`, unit: 'ms', ratio: { key: `recommendation.distributed.${p99Ratio}`, of: 'all-in-one', times: true }, target: { op: '<', value: 2 } },
      { label: `${query} on one instance's own port, distributed (replica)`, key: `recommendation.distributedDirect.${rps}`, unit: 'req/s', ratio: { key: `recommendation.distributedDirect.${rpsRatio}`, of: 'all-in-one' } },
      { label: `${query} via gateway, distributed (Neo4j reads)`, key: `recommendation.distributedNeo4j.${rps}`, unit: 'req/s', ratio: { key: `recommendation.distributedNeo4j.${rpsRatio}`, of: 'all-in-one' } },
      { label: `${query} via gateway p99, distributed (Neo4j reads)`, key: `recommendation.distributedNeo4j.${p99}`, unit: 'ms', ratio: { key: `recommendation.distributedNeo4j.${p99Ratio}`, of: 'all-in-one', times: true } },
    );
  }
  return rows;
}

/** The 1M-user scale point (full bench only), under `scale.users1m`. */
function millionUserRows(): Row[] {
  const figures: [string, string, string][] = [
    ['recommend p99', 'p99Ms', 'ms'],
    ['100 hubs p99', 'hubP99Ms', 'ms'],
    ['bytes per adjacency entry', 'bytesPerAdjacencyEntry', 'bytes'],
    ['load (25M friendships)', 'loadMs', 'ms'],
    ['graph loaded from its snapshot', 'restartMs', 'ms'],
  ];
  return figures.map(([label, key, unit]) => ({ label: `1M users: ${label}`, key: `scale.users1m.${key}`, unit }));
}

export function judge(results: Results, row: Row): 'met' | 'NOT MET' | 'not measured' | undefined {
  if (!row.target) return undefined;
  const value = get(results, row.judged ?? row.ratio?.key ?? row.key);
  if (value === undefined) return 'not measured';
  return (row.target.op === '>=' ? value >= row.target.value : value < row.target.value) ? 'met' : 'NOT MET';
}

/** Compact numbers: 154,596 / 40.3 / 0.123 / 0.0042. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

const targetValue = (row: Row, value: number) => (row.ratio?.times ? `${value}×` : row.ratio ? `${Math.round(value * 100)}%` : `${value} ${row.unit}`);
const targetText = (row: Row) => (row.target ? `${row.target.op === '>=' ? '≥' : '<'} ${targetValue(row, row.target.value)}` : '');

/** Table cells per row that has a figure (rows of suites not run are left out). */
export function tableCells(results: Results): string[][] {
  const rows: string[][] = [['figure', 'value', 'unit', 'ratio', 'target', 'status']];
  for (const row of ROWS) {
    const value = get(results, row.key);
    // Rows of suites not run are left out, except targets: each is reported, measured or not.
    if (value === undefined && !row.target) continue;
    const ratio = row.ratio ? get(results, row.ratio.key) : undefined;
    const ratioText = ratio === undefined ? '' : row.ratio!.times ? `${formatNumber(ratio)}× ${row.ratio!.of}` : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.01 ? 1 : 0)}% of ${row.ratio!.of}`;
    rows.push([row.label, formatNumber(value), row.unit, ratioText, targetText(row), judge(results, row) ?? '']);
  }
  return rows;
}

/** A fixed-width table for the terminal. */
export function textTable(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The same table in markdown. */
export function markdownTable(cells: string[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const [head, ...body] = cells;
  return [`| ${head!.join(' | ')} |`, `|${head!.map((_, c) => (c === 1 ? ' ---: ' : ' --- ')).join('|')}|`, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
