import { expect, test } from 'bun:test';
import { formatSummary, summarize } from './report';

// Trimmed from a real schemathesis 4.32 JSON report.
const report = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    exit_code: 0,
    stop_reason: 'completed',
    running_time: 45.04,
    operations: { total: 13, selected: 13, tested: 13, errored: 0, skipped: 0 },
    test_cases: { generated: 2180, with_failures: 0, unique_failures: 0, without_checks: 0, errored: 0 },
    failures: [],
    errors: [],
    ...over,
  });

test('a clean run', () => {
  const summary = summarize(report());
  expect(summary).toEqual({ operations: { tested: 13, total: 13 }, testCases: 2180, failed: 0, problems: [], seconds: 45.04, ok: true });
  expect(formatSummary(summary, 7)).toEqual(['13/13 operations, 2180 test cases in 45.0 s (seed 7)', 'fuzz: 2180 passed, 0 failed']);
});

test('failures name their check and operations', () => {
  const summary = summarize(report({
    exit_code: 1,
    test_cases: { generated: 452, with_failures: 4, errored: 0 },
    failures: [
      { type: 'ServerError', code: 'ST101', title: 'Server error', count: 1, operations: ['POST /user/v1/users'] },
      { code: 'ST202', title: 'Schema-valid request rejected', count: 3, operations: ['PUT /user/v1/users/{id}', 'GET /x'] },
    ],
  }));
  expect(summary.ok).toBe(false);
  expect(formatSummary(summary, 1)).toEqual([
    '  ST101 Server error ×1: POST /user/v1/users',
    '  ST202 Schema-valid request rejected ×3: PUT /user/v1/users/{id}, GET /x',
    '13/13 operations, 452 test cases in 45.0 s (seed 1)',
    'fuzz: 448 passed, 4 failed',
  ]);
});

test('an error outside any test case fails the run, as does a run that stopped early', () => {
  const errored = summarize(report({ exit_code: 1, errors: [{ title: 'Runtime Error', count: 1 }] }));
  expect(errored).toMatchObject({ ok: false, failed: 1, problems: ['error: Runtime Error ×1'] });
  expect(summarize(report({ stop_reason: 'interrupted' })).ok).toBe(false);
});

test('anything but a report is an error', () => {
  expect(() => summarize('{}')).toThrow('not a schemathesis JSON report');
  expect(() => summarize('')).toThrow();
});
