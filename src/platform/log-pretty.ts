/**
 * The human format of a log line, for a terminal:
 *
 *   12:03:04.123 DEBUG friend  POST /v1/users/1/commands/addFriend 404 1.2ms  detail="user 99 does not exist" trace=4bf9…
 *
 * One line per event (an error's stack follows it, indented), the time in local time, the other
 * fields as key=value. Values that hold spaces, quotes or control characters are JSON-quoted: a
 * path or a detail echoing a client's input can then neither split a line nor send escape
 * sequences to the terminal. Colour only when asked (a TTY without NO_COLOR; see config.ts).
 */

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const CYAN = '\x1b[36m';
const levelStyle: Record<string, { label: string; color: string }> = {
  debug: { label: 'DEBUG', color: '\x1b[90m' },
  info: { label: 'INFO ', color: '\x1b[32m' },
  warn: { label: 'WARN ', color: '\x1b[33m' },
  error: { label: 'ERROR', color: '\x1b[1;31m' },
};

/** Fields the line's head already shows, or that only machines read (the span id, the route template). */
const HEAD = new Set(['time', 'level', 'module', 'msg', 'errorStack', 'spanId', 'traceId']);
const ACCESS = new Set(['method', 'path', 'status', 'durationMs', 'route']);

/** `record`: a log line's fields, as log.ts builds them (no import of it: log.ts imports this file). */
export function prettyLine(record: Record<string, unknown>, color: boolean): string {
  const paint = color ? (style: string, text: string) => style + text + RESET : (_: string, text: string) => text;
  const level = levelStyle[record.level as string] ?? { label: String(record.level).toUpperCase(), color: '' };
  // An access line reads as the request it was: `GET /path 404 1.2ms`.
  const access = record.msg === 'request' && typeof record.status === 'number';
  // Messages are the code's own words, shown bare; only control characters are escaped.
  let what = controlsEscaped(String(record.msg));
  if (access) {
    const status = record.status as number;
    const statusColor = status >= 500 ? levelStyle.error!.color : status >= 400 ? levelStyle.warn!.color : levelStyle.info!.color;
    what = `${safe(String(record.method))} ${safe(String(record.path))} ${paint(statusColor, String(status))} ${record.durationMs}ms`;
  }
  let line = `${paint(DIM, clock(record.time))} ${paint(level.color, level.label)} ${paint(CYAN, String(record.module ?? '-'))}  ${what}`;
  let rest = '';
  for (const key in record) {
    if (HEAD.has(key) || (access && ACCESS.has(key))) continue;
    const value = record[key];
    if (value === undefined) continue;
    rest += ` ${paint(DIM, key + '=')}${text(value)}`;
  }
  // The whole trace id, last: it is what `x-trace-id` answered and what a tracing UI searches for.
  if (record.traceId !== undefined) rest += ` ${paint(DIM, 'trace=')}${text(record.traceId)}`;
  if (rest) line += ' ' + rest;
  if (typeof record.errorStack === 'string') {
    line += '\n' + record.errorStack.split('\n').map((l) => '    ' + paint(DIM, controlsEscaped(l))).join('\n');
  }
  return line;
}

/** `HH:MM:SS.mmm` in local time, from the record's ISO time. */
function clock(time: unknown): string {
  const date = typeof time === 'string' ? new Date(time) : new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** Printable, without blanks, quotes, backslashes or control characters (C0, DEL, C1, line separators). */
const BARE = /^[^\s"\\\x00-\x1f\x7f-\x9f\u2028\u2029]+$/;

function text(value: unknown): string {
  if (typeof value === 'string') return safe(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value instanceof Error) return quoted(value.message);
  return controlsEscaped(JSON.stringify(value) ?? String(value));
}

function safe(value: string): string {
  return value !== '' && BARE.test(value) ? value : quoted(value);
}

const quoted = (value: string) => controlsEscaped(JSON.stringify(value));

/** JSON escapes C0 controls itself; DEL, C1 controls (0x9b starts an escape sequence on some terminals) and line separators too. */
function controlsEscaped(value: string): string {
  return value.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
