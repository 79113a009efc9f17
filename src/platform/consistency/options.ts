/** What a module's ConsistencyGate is configured with (platform config: CONSISTENCY_WAIT_MS, CONSISTENCY_MAX_WAITERS). */
export interface ConsistencyOptions {
  waitMs: number;
  maxWaiters: number;
}

export const DEFAULT_CONSISTENCY: ConsistencyOptions = { waitMs: 3_000, maxWaiters: 1_000 };
