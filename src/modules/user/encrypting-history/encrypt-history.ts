import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { conflict } from '../../../platform/errors';
import type { Logger } from '../../../platform/log';
import type { KeyStore } from '../personal-data/key-store';
import { plainEventsAfter, plainLeft, plainNames, plainRowsAfter, resealEvent, resealRow, throwawayKey } from '../personal-data/reseal';
import { sealNames } from '../personal-data/sealed-names';
import { historyRewrites } from '../schema';

export interface EncryptionProgress {
  running: boolean;
  phase: 'events' | 'read model' | 'vacuum' | 'idle';
  done: number;
  total: number;
  startedAt: string | null;
  last: { ok: boolean; error?: string; eventsResealed: number; eventsShredded: number; rowsResealed: number; seconds: number } | null;
}

const PAGE = 500;

/**
 * `encrypt-history`: seals the names that events and read-model rows from before sealing hold in
 * the clear (see personal-data/reseal.ts), while the service serves. Runs in the user service, so
 * it works on an embedded store as well as PostgreSQL; the CLI (`bun run migrate`) starts it and
 * follows its progress. Recorded in `history_rewrites`, at start and at the end.
 */
export class HistoryEncryption {
  private progress: EncryptionProgress = { running: false, phase: 'idle', done: 0, total: 0, startedAt: null, last: null };

  constructor(
    private readonly db: Db,
    private readonly keys: KeyStore,
    private readonly log: Logger,
  ) {}

  status(): EncryptionProgress {
    return { ...this.progress };
  }

  /** Starts a run and returns at once; 409 while one runs. */
  start(): EncryptionProgress {
    if (this.progress.running) throw conflict('encrypt-history is already running; follow it with GET /admin/history/encrypt');
    this.progress = { running: true, phase: 'events', done: 0, total: 0, startedAt: new Date().toISOString(), last: this.progress.last };
    void this.run();
    return this.status();
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const counts = { eventsResealed: 0, eventsShredded: 0, rowsResealed: 0 };
    let auditId: number | undefined;
    try {
      const left = await plainLeft(this.db);
      this.progress.total = left.events + left.rows;
      const [audit] = await this.db.insert(historyRewrites).values({ kind: 'encrypt-history', startedAt: new Date() }).returning({ id: historyRewrites.id });
      auditId = audit!.id;
      this.log.info('encrypt-history started', { plainEvents: left.events, plainRows: left.rows });
      await this.resealEvents(counts);
      this.progress.phase = 'read model';
      await this.resealRows(counts);
      this.progress.phase = 'vacuum';
      // The old row versions, plaintext included, become reusable space; `VACUUM FULL events,
      // users` (an exclusive lock while it copies) takes them out of the files at once.
      await this.db.execute(sql`vacuum events`);
      await this.db.execute(sql`vacuum users`);
      await this.db.update(historyRewrites).set({ finishedAt: new Date(), ...counts }).where(eq(historyRewrites.id, auditId));
      this.finish({ ok: true, ...counts, seconds: (performance.now() - started) / 1000 });
      this.log.info('encrypt-history finished', counts);
    } catch (error) {
      if (auditId !== undefined) await this.db.update(historyRewrites).set(counts).where(eq(historyRewrites.id, auditId)).catch(() => undefined);
      this.finish({ ok: false, error: (error as Error).message, ...counts, seconds: (performance.now() - started) / 1000 });
      this.log.warn('encrypt-history stopped; run it again to resume', { error, ...counts });
    }
  }

  private finish(last: NonNullable<EncryptionProgress['last']>): void {
    this.progress = { ...this.progress, running: false, phase: 'idle', last };
  }

  private async resealEvents(counts: { eventsResealed: number; eventsShredded: number }): Promise<void> {
    for (let after = 0; ; ) {
      const page = await plainEventsAfter(this.db, after, PAGE);
      if (page.length === 0) return;
      // An erased user has no key: their old names are sealed under one made and dropped here.
      const shredding = throwawayKey();
      for (const event of page) {
        const userId = event.data.userId;
        const key = (await this.keys.ensure(userId)) ?? shredding;
        if (await resealEvent(this.db, event, sealNames(key, userId, plainNames(event)))) {
          if (key === shredding) counts.eventsShredded++;
          else counts.eventsResealed++;
        }
        this.progress.done++;
      }
      after = page.at(-1)!.position;
    }
  }

  private async resealRows(counts: { rowsResealed: number }): Promise<void> {
    for (let after = 0; ; ) {
      const page = await plainRowsAfter(this.db, after, PAGE);
      if (page.length === 0) return;
      for (const row of page) {
        const key = await this.keys.ensure(row.id);
        if (key && (await resealRow(this.db, row, sealNames(key, row.id, { firstName: row.firstName!, lastName: row.lastName! })))) counts.rowsResealed++;
        this.progress.done++;
      }
      after = page.at(-1)!.id;
    }
  }
}
