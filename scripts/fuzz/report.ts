// Reads schemathesis' JSON report (`--report json`) into the run's closing lines.

export interface FuzzSummary {
  operations: { tested: number; total: number };
  testCases: number;
  /** Test cases that failed a check or errored, and errors outside any test case. */
  failed: number;
  /** One line per failure class ("ST101 Server error ×1: POST /user/v1/users") or error. */
  problems: string[];
  seconds: number;
  /** Whether schemathesis ran to the end and reported nothing wrong. */
  ok: boolean;
}

interface Counted {
  code?: string;
  title?: string;
  count?: number;
  operations?: string[];
}

const counted = (value: unknown): Counted[] => (Array.isArray(value) ? value.filter((v) => typeof v === 'object' && v !== null) : []);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Throws when the text is not a schemathesis JSON report: a run that wrote none has failed anyway. */
export function summarize(reportText: string): FuzzSummary {
  const report = JSON.parse(reportText);
  if (typeof report !== 'object' || report === null || typeof report.test_cases !== 'object') {
    throw new Error('not a schemathesis JSON report (no test_cases)');
  }
  const failures = counted(report.failures);
  const errors = counted(report.errors);
  const problems = [
    ...failures.map((f) => `${f.code ?? '?'} ${f.title ?? 'failure'} ×${num(f.count)}: ${(f.operations ?? []).join(', ')}`),
    ...errors.map((e) => `error: ${e.title ?? 'unknown'} ×${num(e.count)}`),
  ];
  // An error outside a test case (the generator itself failing) counts as a failed one too.
  const errorCount = errors.reduce((sum, e) => sum + num(e.count), 0);
  const failed = num(report.test_cases.with_failures) + Math.max(num(report.test_cases.errored), errorCount);
  return {
    operations: { tested: num(report.operations?.tested), total: num(report.operations?.total) },
    testCases: num(report.test_cases.generated),
    failed,
    problems,
    seconds: num(report.running_time),
    ok: report.exit_code === 0 && report.stop_reason === 'completed' && problems.length === 0 && failed === 0,
  };
}

/** The closing lines; the last reads "fuzz: N passed, N failed". */
export function formatSummary(summary: FuzzSummary, seed: number): string[] {
  const { operations, testCases, failed, problems, seconds } = summary;
  return [
    ...problems.map((p) => `  ${p}`),
    `${operations.tested}/${operations.total} operations, ${testCases} test cases in ${seconds.toFixed(1)} s (seed ${seed})`,
    `fuzz: ${Math.max(0, testCases - failed)} passed, ${failed} failed`,
  ];
}
