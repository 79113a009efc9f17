// Command line of `bun run fuzz`, and the schemathesis command line built from it.

import { readFlags, UsageError } from '../lib/flags';

export interface FuzzOptions {
  /** Test cases per operation and phase; bounds the run's length. */
  maxExamples: number;
  /** The same seed and server code give the same requests, so a failure can be replayed. */
  seed: number;
}

export const DEFAULTS: FuzzOptions = { maxExamples: 300, seed: 20240601 };

export const USAGE = `Usage: bun run fuzz [-- options]

Starts the all-in-one on free ports and a temporary data directory, then fuzzes every operation of
the gateway's OpenAPI document with schemathesis (installed once into a cached virtualenv).

Options:
  --max-examples N   test cases per operation and phase (default ${DEFAULTS.maxExamples}, 1 to 10000)
  --seed N           seed for the generated data (default ${DEFAULTS.seed})
  -h, --help         show this help

Exit codes: 0 no failure, 1 a check failed or schemathesis reported an error, 2 bad arguments.`;

export { UsageError };

export type ParseResult = { kind: 'help' } | { kind: 'options'; options: FuzzOptions };

export function parseArgs(argv: readonly string[]): ParseResult {
  const read = readFlags(argv, { values: ['max-examples', 'seed'], missing: (flag) => `--${flag} needs a whole number, got nothing` });
  if (read.kind === 'help') return read;
  const options = { ...DEFAULTS };
  for (const [flag, value] of read.values) {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} needs a whole number, got "${value}"`);
    if (flag === 'max-examples') {
      options.maxExamples = Number(value);
      if (options.maxExamples < 1 || options.maxExamples > 10_000) throw new UsageError(`--max-examples must be between 1 and 10000, got ${value}`);
    } else {
      options.seed = Number(value);
      if (!Number.isSafeInteger(options.seed)) throw new UsageError(`--seed is too large: ${value}`);
    }
  }
  return { kind: 'options', options };
}

/**
 * What every response must satisfy: no 5xx, status code, media type, body and headers as the
 * document declares, invalid input rejected with a 4xx and valid input accepted, an undeclared
 * method on a known path answered 405 with `Allow`. The other checks are not asked for:
 * authentication is off in this run (ignored_auth, object_level_authorization), and the one delete
 * operation (erasing a user) answers 410, not the 404 that use_after_free and
 * ensure_resource_availability expect after a deletion (erasure is final, and says so).
 */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
  'negative_data_rejection',
  'positive_data_acceptance',
  'unsupported_method',
] as const;

export interface RunPaths {
  /** schemathesis.toml beside this file: per-operation exceptions, each with its reason. */
  config: string;
  /** Where the JSON report goes; the summary is read from it. */
  report: string;
}

/** Arguments for `schemathesis`, for the document at `docUrl`. */
export function schemathesisArgs(docUrl: string, options: FuzzOptions, paths: RunPaths): string[] {
  return [
    '--config-file', paths.config,
    'run', docUrl,
    '--checks', CHECKS.join(','),
    '--max-examples', String(options.maxExamples),
    '--seed', String(options.seed),
    // One worker: with several, Hypothesis describes strategies from several threads at once and
    // CPython 3.11's parser fails now and then ("AST constructor recursion depth mismatch").
    '--workers', '1',
    // Nothing is kept between runs: the same seed then gives the same run.
    '--generation-database', 'none',
    '--report', 'json',
    '--report-json-path', paths.report,
  ];
}
