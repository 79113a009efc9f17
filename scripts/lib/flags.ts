import { parseArgs } from 'node:util';
// Pieces every command line of this project's tools shares (generate, load, fuzz, bench), so a
// flag reads and fails the same way in each.

/** Thrown for any bad input; its message is meant for the user as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--flag N` with N a whole number in [min, max]. */
export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  // Strict digits only: Number('1e3'), Number(' 7') and parseInt('12abc') would all silently accept typos.
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${value}`);
  return n;
}

/** `--url` (or `name`, e.g. a variable): an absolute http(s) URL; `example` is shown when it is not one. */
export function httpUrl(value: string, example: string, name = '--url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} must be an absolute URL such as ${example}, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name} must use http or https, got "${url.protocol}"`);
  return url;
}

export interface FlagGrammar {
  /** Flags that take a value: `--name value` or `--name=value`. */
  values: readonly string[];
  /** Flags that stand alone: `--name`. */
  switches?: readonly string[];
  /** Whether bare words are allowed (commands); otherwise one is an error. */
  positionals?: boolean;
  /** The message when a value flag has none; by default "--name needs a value". */
  missing?: (flag: string) => string;
}

export type ReadFlags =
  | { kind: 'help' }
  | { kind: 'flags'; values: Map<string, string>; switches: Set<string>; positionals: string[] };

/**
 * The command line as node:util's parseArgs reads it (token mode, so every mistake gets its own
 * message here instead of a generic one): an unknown option, a value forgotten or swallowed by the
 * next flag, a flag given twice, a stray word. `-h`/`--help` asks for help; a `--` forwarded by
 * `bun run tool -- ...` is skipped wherever it stands.
 */
export function readFlags(argv: readonly string[], grammar: FlagGrammar): ReadFlags {
  const switches = grammar.switches ?? [];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of grammar.values) options[name] = { type: 'string' };
  for (const name of switches) options[name] = { type: 'boolean' };
  const { tokens } = parseArgs({ args: argv.filter((arg) => arg !== '--'), options, strict: false, allowPositionals: true, tokens: true });
  const read = { kind: 'flags' as const, values: new Map<string, string>(), switches: new Set<string>(), positionals: [] as string[] };
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!grammar.positionals) throw new UsageError(`unexpected argument "${token.value}" (options start with --)`);
      read.positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    if (token.name === 'help') return { kind: 'help' };
    if (switches.includes(token.name)) {
      read.switches.add(token.name);
      continue;
    }
    if (!grammar.values.includes(token.name)) throw new UsageError(`unknown option "--${token.name}"`);
    // A following flag means the value was forgotten, not that the value is "--seed".
    const value = token.inlineValue ? token.value : token.value?.startsWith('--') ? undefined : token.value;
    if (value === undefined) throw new UsageError(grammar.missing?.(token.name) ?? `--${token.name} needs a value`);
    if (read.values.has(token.name)) throw new UsageError(`--${token.name} given more than once`);
    read.values.set(token.name, value);
  }
  return read;
}

/**
 * A tool's options, or the exit code it stops with: 0 after printing `usage` when `parse` answers
 * undefined (help was asked for), 2 after saying what was wrong with the command line.
 */
export function optionsOrExitCode<T>(tool: string, usage: string, parse: () => T | undefined): T | number {
  let options: T | undefined;
  try {
    options = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${tool}: ${error.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (options === undefined) {
    console.log(usage);
    return 0;
  }
  return options;
}
