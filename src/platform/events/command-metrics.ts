import { isDatabaseUnavailable } from '../db/database';
import { DomainError, type DomainErrorKind } from '../errors';
import type { Metrics } from '../metrics/metrics';
import type { SpanSink } from '../tracing/spans';
import type { EventEnvelope } from './envelope';

/** `accepted`, a rejection kind the caller can act on, or `failed` (an unexpected error). */
export type CommandOutcome = 'accepted' | DomainErrorKind | 'failed';
const OUTCOMES: readonly CommandOutcome[] = ['accepted', 'invalid', 'not-found', 'gone', 'conflict', 'stale', 'unavailable', 'failed'];

export interface CommandMetrics {
  /** Runs a command and counts its outcome, including rejections before the event store is reached. */
  run<T>(command: string, work: () => Promise<T>): Promise<T>;
  /** Counts events once their transaction committed (a rolled-back append is not an event). */
  appended(events: readonly EventEnvelope[]): void;
  /** How many commands shared a transaction (see group-commit.ts). */
  batched(size: number): void;
  /** Where the command runner reports its span (the module's, from its Metrics). */
  spans?: SpanSink;
}

/**
 * `commands_total{command,outcome}`, `events_appended_total{type}` and `command_batch_size`. The module's commands are
 * named up front so every outcome starts at 0: a dashboard then shows "no conflicts", not "no data".
 */
export function commandMetrics(metrics: Metrics, commands: readonly string[]): CommandMetrics {
  const handled = metrics.counter('commands_total', 'Commands handled, by outcome: accepted or the kind of rejection', ['command', 'outcome']);
  const appended = metrics.counter('events_appended_total', 'Events committed to the event store', ['type']);
  // How much group commit shares: 1 when commands come one at a time, up to the batch limit under load.
  const batchSize = metrics.histogram('command_batch_size', 'Commands committed in one transaction', [], [1, 2, 4, 8, 16, 32, 64]).child();
  for (const command of commands) for (const outcome of OUTCOMES) handled.inc({ command, outcome }, 0);
  return {
    spans: metrics.spans,
    async run(command, work) {
      try {
        const result = await work();
        handled.inc({ command, outcome: 'accepted' });
        return result;
      } catch (error) {
        const outcome = error instanceof DomainError ? error.kind : isDatabaseUnavailable(error) ? 'unavailable' : 'failed';
        handled.inc({ command, outcome });
        throw error;
      }
    },
    batched(size) {
      batchSize.observe(size);
    },
    appended(events) {
      for (const e of events) appended.inc({ type: e.type });
    },
  };
}
