/**
 * An engine (Kafka, Neo4j) stopped and started again in the middle of a steady burst of commands.
 * The burst is counted by phase: before the stop, while the engine stops, while it is down, while
 * it starts, after it is back, so that a scenario can assert what was acknowledged in each.
 */
import { afterAll, beforeAll } from 'bun:test';
import { infra, runBurst, startCluster, type Cluster, type Engine } from '../harness/distributed';
import { CommandLedger } from './command-ledger';
import { requireEngines } from './fault-suite';
import type { Command } from './random-commands';

export type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'done';
const PHASES: readonly Phase[] = ['before', 'stopping', 'down', 'starting', 'after', 'done'];

/** A value for each phase, e.g. `perPhase(() => 0)` for counters. */
export const perPhase = <T>(initial: () => T): Record<Phase, T> => Object.fromEntries(PHASES.map((p) => [p, initial()])) as Record<Phase, T>;

/** Commands in flight at once. */
const CONCURRENCY = 4;
/** How long the burst runs before the stop and after the start: long enough for commands on either side of the outage. */
const AROUND_OUTAGE_MS = 1_500;

export interface OutagePlan {
  /** How long the engine stays stopped. */
  downMs: number;
  /**
   * Commands issued at most in each phase, so that a slow stop or start cannot use up the
   * commands meant for the outage and for after it.
   */
  budget: Record<Exclude<Phase, 'done'>, number>;
  /** The pause after each command, so that the burst is a steady stream through the outage rather than a flood. */
  paceMs: number;
  /** The next command to send. */
  command: () => Command;
  /** Run at the end of the down phase, the engine still stopped: to see what piled up meanwhile. */
  whileDown?: () => Promise<void>;
  /** Runs beside the burst until the phase is `done`, e.g. reads to tell apart by phase. */
  beside?: (phase: () => Phase) => Promise<void>;
}

export interface OutageTallies {
  /** Every command's status, in completion order (0: no answer, its error in `errors`). */
  statuses: number[];
  errors: string[];
  issued: Record<Phase, number>;
  /** Commands answered 2xx, by the phase they were issued in. */
  acknowledged: Record<Phase, number>;
  /** How long the engine took to stop, stayed stopped (`whileDown` included) and took to start. */
  timings: { stopMs: number; downMs: number; startMs: number };
}

export interface EngineOutageSuite {
  readonly cluster: Cluster;
  readonly ledger: CommandLedger;
  /** Stops the engine `plan.downMs` into a burst of `plan.command`s and starts it again; the tallies once the burst is over. */
  burstThroughOutage(plan: OutagePlan): Promise<OutageTallies>;
}

/**
 * For the enclosing `describe`: a cluster (one friend instance) and a ledger tagged `ledgerTag`
 * before its tests; after them `engine` started again if a test left it stopped, and the cluster closed.
 */
export function engineOutageSuite(scenario: string, engine: Engine, ledgerTag: string): EngineOutageSuite {
  let cluster: Cluster | undefined;
  let ledger: CommandLedger | undefined;
  let stopped = false;

  beforeAll(async () => {
    requireEngines(scenario);
    cluster = await startCluster({ friendInstances: 1 });
    ledger = new CommandLedger(cluster, `${cluster.namespace}-${ledgerTag}`);
  }, 120_000);
  afterAll(async () => {
    try {
      // Whatever happened, the engine runs again for whatever runs after this file.
      if (stopped) await infra('up', engine, cluster!.logDir);
    } finally {
      await cluster?.close();
    }
  }, 240_000);

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`${scenario}: the cluster did not start`);
    return value;
  };

  async function burstThroughOutage({ downMs, budget, paceMs, command, whileDown, beside }: OutagePlan): Promise<OutageTallies> {
    const { logDir } = started(cluster);
    let phase: Phase = 'before';
    const issued = perPhase(() => 0);
    const acknowledged = perPhase(() => 0);

    const burst = runBurst(CONCURRENCY, () => {
      if (phase === 'done') return undefined;
      if (issued[phase] >= budget[phase]) return null;
      const at = phase;
      issued[at]++;
      const run = command();
      return async () => {
        const status = await run();
        if (status >= 200 && status < 300) acknowledged[at]++;
        await Bun.sleep(paceMs);
        return status;
      };
    });
    const alongside = beside?.(() => phase);

    const timings = { stopMs: 0, downMs: 0, startMs: 0 };
    try {
      await Bun.sleep(AROUND_OUTAGE_MS);
      phase = 'stopping';
      let t0 = Date.now();
      stopped = true;
      await infra('down', engine, logDir);
      timings.stopMs = Date.now() - t0;
      phase = 'down';
      t0 = Date.now();
      await Bun.sleep(downMs);
      await whileDown?.();
      timings.downMs = Date.now() - t0;
      phase = 'starting';
      t0 = Date.now();
      await infra('up', engine, logDir);
      stopped = false;
      timings.startMs = Date.now() - t0;
      phase = 'after';
      await Bun.sleep(AROUND_OUTAGE_MS);
    } finally {
      phase = 'done';
      if (stopped) {
        await infra('up', engine, logDir);
        stopped = false;
      }
    }
    const [{ statuses, errors }] = await Promise.all([burst, alongside]);
    return { statuses, errors, issued, acknowledged, timings };
  }

  return {
    get cluster() {
      return started(cluster);
    },
    get ledger() {
      return started(ledger);
    },
    burstThroughOutage,
  };
}
