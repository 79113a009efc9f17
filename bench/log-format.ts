/**
 * Cost of one log line, side by side: this project's logger in its JSON and human formats, and
 * pino (JSON, and through pino-pretty) when they are installed:
 *
 *   bun bench/log-format.ts                                   # own logger only
 *   bun add --no-save pino pino-pretty && bun bench/log-format.ts
 *
 * Each logger writes the same access line (a child logger, seven fields, one scope field) to
 * /dev/null with a synchronous write per line, as the servers do to stdout; "format only" rows
 * hand the line to a sink that drops it. Figures are ns per line, the median of 9 rounds.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createLogger, lineFormat, withLogFields, type Logger } from '../src/platform/log';

const LINES = Number(process.argv[2] ?? 100_000);
const ROUNDS = 9;
const devNull = openSync('/dev/null', 'w');
const toDevNull = (line: string) => void writeSync(devNull, line + '\n');
const scope = new AsyncLocalStorage<Record<string, unknown>>();
// Stands for log.ts's own scope in the copy of the old logger below (the loop runs inside both).
const beforeScope = scope;
const fields = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', method: 'GET', route: '/v1/users/:id', path: '/v1/users/42', status: 404, durationMs: 1.2 };

interface Contender {
  name: string;
  log: Pick<Logger, 'info' | 'debug'>;
}

/** One round: ns per line over LINES lines. */
function round(log: Contender['log'], level: 'info' | 'debug'): number {
  const started = Bun.nanoseconds();
  withLogFields({ correlationId: 'req-7' }, () =>
    scope.run({ correlationId: 'req-7' }, () => {
      for (let i = 0; i < LINES; i++) log[level]('request', fields);
    }),
  );
  return (Bun.nanoseconds() - started) / LINES;
}

/**
 * Rounds interleaved across contenders, so load from elsewhere on the machine hits all alike, each
 * round starting at the next contender (whoever ran first measured slower); the median of each.
 */
function measure(all: Contender[], level: 'info' | 'debug'): number[] {
  const samples = all.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < all.length; k++) {
      const i = (k + r) % all.length;
      samples[i]!.push(round(all[i]!.log, level));
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[ROUNDS >> 1]!);
}

const own = (format: 'json' | 'pretty', color: boolean, write: (line: string) => void) =>
  createLogger({ module: 'all-in-one' }, 'info', write, lineFormat({ format, color })).child({ module: 'friend' });

/** The logger as it was before the format became a parameter (JSON.stringify inline): no cost added by the change. */
function before(write: (line: string) => void): Contender['log'] {
  const base = { module: 'friend' };
  const rank: Record<string, number> = { debug: 10, info: 20 };
  const emit = (level: string, msg: string, f?: Record<string, unknown>) => {
    if (rank[level]! < rank.info!) return;
    const error = f?.error instanceof Error ? { error: f.error.message } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level, ...base, ...beforeScope.getStore(), msg, ...f, ...error }));
  };
  return { info: (msg, f) => emit('info', msg, f), debug: (msg, f) => emit('debug', msg, f) };
}

const contenders: Contender[] = [
  { name: 'own JSON', log: own('json', false, toDevNull) },
  { name: 'own JSON, before this change', log: before(toDevNull) },
  { name: 'own pretty', log: own('pretty', false, toDevNull) },
  { name: 'own pretty, colour', log: own('pretty', true, toDevNull) },
  { name: 'own JSON, format only', log: own('json', false, () => {}) },
  { name: 'own pretty, format only', log: own('pretty', false, () => {}) },
];

// Optional: compared only when installed (not a dependency of the project).
const pino = await import('pino' as string).then((m) => m.default ?? m).catch(() => undefined);
const pretty = await import('pino-pretty' as string).then((m) => m.default ?? m).catch(() => undefined);
if (pino) {
  // The scope field through pino's mixin, read from an AsyncLocalStorage as this logger does.
  const make = (stream: unknown) =>
    pino({ base: { module: 'all-in-one' }, timestamp: pino.stdTimeFunctions.isoTime, mixin: () => scope.getStore() ?? {} }, stream).child({ module: 'friend' });
  const asLogger = (p: any): Contender['log'] => ({ info: (msg, f) => p.info(f, msg), debug: (msg, f) => p.debug(f, msg) });
  contenders.push({ name: 'pino JSON (sync)', log: asLogger(make(pino.destination({ dest: '/dev/null', sync: true }))) });
  contenders.push({ name: 'pino JSON (buffered 4 KiB)', log: asLogger(make(pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }))) });
  if (pretty) contenders.push({ name: 'pino + pino-pretty (sync)', log: asLogger(make(pretty({ destination: devNull, sync: true, colorize: false }))) });
}

// Warm-up: the JIT settles before anything is measured.
for (const c of contenders) round(c.log, 'info');
const enabled = measure(contenders, 'info');
const disabled = measure(contenders, 'debug');
const rows = contenders.map((c, i) => ({ name: c.name, enabled: enabled[i]!, disabled: disabled[i]! }));
closeSync(devNull);

const baseline = rows[0]!.enabled;
console.log(`ns per line, median of ${ROUNDS} rounds of ${LINES} lines (Bun ${Bun.version})${pino ? '' : '; pino not installed'}\n`);
console.log(`${'logger'.padEnd(30)}${'line written'.padStart(14)}${'vs own JSON'.padStart(13)}${'level off'.padStart(12)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(30)}${r.enabled.toFixed(0).padStart(14)}${(r.enabled / baseline).toFixed(2).padStart(12)}x${r.disabled.toFixed(1).padStart(12)}`);
}
