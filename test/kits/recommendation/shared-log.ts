import { sql } from 'drizzle-orm';
import type { Database } from '../../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../../src/platform/db/embedded';
import { InProcessBus } from '../../../src/platform/events/in-process-bus';
import { createRecommendationModule, recommendationMigrationsFolder, type RecommendationModule, type RecommendationModuleDeps } from '../../../src/modules/recommendation';

/**
 * Recommendation modules on one embedded log database, as the instances of a consumer group share
 * one: each with a bus of its own (it consumes only what its bus hands it, as it would its own
 * partitions). `open()` before the tests, `close()` after them stops every module started.
 */
export class SharedLog {
  private opened: Database | undefined;
  private readonly started: { bus: InProcessBus; module: RecommendationModule }[] = [];

  async open(): Promise<void> {
    this.opened = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  }

  get database(): Database {
    if (!this.opened) throw new Error('SharedLog.open() first');
    return this.opened;
  }

  /** A module on the shared log, with a bus of its own, connected. */
  async start(deps: Omit<RecommendationModuleDeps, 'database' | 'bus'>): Promise<{ bus: InProcessBus; module: RecommendationModule }> {
    const bus = new InProcessBus();
    const module = createRecommendationModule({ database: this.database, bus, ...deps });
    await module.connect();
    this.started.push({ bus, module });
    return { bus, module };
  }

  /** Rows in the log (`received_events`). */
  async rows(): Promise<number> {
    const result = (await this.database.db.execute(sql`select count(*)::int as n from received_events`)) as unknown as { rows: { n: number }[] };
    return Number(result.rows[0]!.n);
  }

  async close(): Promise<void> {
    for (const { bus, module } of this.started.splice(0)) {
      await module.stop();
      await bus.close();
    }
    await this.opened?.close();
  }
}
