import { AsyncLocalStorage } from 'node:async_hooks';
import { prettyLine } from './log-pretty';

/**
 * Structured logs, one event per line, always tagged with the module that wrote them: a JSON
 * object for machines, or the human format of log-pretty.ts for a terminal.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
/** Turns one record (`time`, `level`, the fields, `msg`) into the text of its line. */
export type LineFormat = (record: LogFields) => string;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /** Whether a line at `level` would be written: lets hot paths skip building fields for nothing. */
  enabled(level: LogLevel): boolean;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Fields every line written inside `withLogFields` carries (e.g. the trace id of the event being
 * handled), however deep the code that logs and whichever logger it holds. An AsyncLocalStorage
 * keeps no state of its own beyond the async call chain, so this is no shared singleton.
 */
const scope = new AsyncLocalStorage<LogFields>();

export function withLogFields<T>(fields: LogFields, work: () => T): T {
  return scope.run({ ...scope.getStore(), ...fields }, work);
}

export function createLogger(
  base: LogFields,
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  format: LineFormat = JSON.stringify,
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[lvl] < rank[level]) return;
    const error = fields?.error instanceof Error ? errorFields(fields.error, lvl === 'error' || lvl === 'debug') : {};
    write(format({ time: new Date().toISOString(), level: lvl, ...base, ...scope.getStore(), msg, ...fields, ...error }));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }, level, write, format),
    enabled: (lvl) => rank[lvl] >= rank[level],
  };
}

/**
 * An Error logs as its message (JSON.stringify would write `{}`), and the messages of its causes:
 * a driver's error (drizzle wraps it in `cause`, behind a message that only repeats the query) is
 * the one that says what went wrong. At error (and debug) level the stacks too, so an unexpected
 * failure is found from its line alone.
 */
function errorFields(error: Error, withStack: boolean): LogFields {
  if (!withStack) return { error: error.message, ...causesOf(error) };
  const lines: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    lines.push(depth === 0 ? text : `caused by: ${text}`);
  }
  return { error: error.message, errorStack: lines.join('\n') };
}

function causesOf(error: Error): LogFields {
  const causes: string[] = [];
  for (let e = error.cause; e !== undefined && e !== null && causes.length < 4; e = (e as { cause?: unknown }).cause) {
    causes.push(e instanceof Error ? e.message : String(e));
  }
  return causes.length > 0 ? { errorCause: causes.join('; caused by: ') } : {};
}

/** The format chosen by LOG_FORMAT (config.ts decides the default and whether colour is wanted). */
export function lineFormat(output: { format: 'json' | 'pretty'; color: boolean }): LineFormat {
  return output.format === 'json' ? JSON.stringify : (record) => prettyLine(record, output.color);
}

/** For tests and tools that want quiet modules. */
export const silentLogger: Logger = createLogger({}, 'error', () => {});
