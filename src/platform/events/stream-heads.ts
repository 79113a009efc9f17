import { asc, gt, max } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import type { Db } from '../db/database';
import { checkAdmin, type AdminAccess } from '../http/admin-access';
import { events } from './event-store-schema';

export interface StreamHeadsPage {
  streams: { streamId: string; version: number }[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

/** Stream ids after `after` (by id) with their head versions: what an audit compares a log with. */
export async function streamHeads(db: Db, after: string, limit: number): Promise<StreamHeadsPage> {
  const rows = await db
    .select({ streamId: events.streamId, version: max(events.streamVersion) })
    .from(events)
    .where(gt(events.streamId, after))
    .groupBy(events.streamId)
    .orderBy(asc(events.streamId))
    .limit(limit);
  const streams = rows.map((r) => ({ streamId: r.streamId, version: r.version ?? 0 }));
  return { streams, next: streams.length === limit ? streams.at(-1)!.streamId : null };
}

/** `GET /admin/streams?after=&limit=` on a domain module's own port; hidden from OpenAPI. */
export function adminStreams(db: Db, access: AdminAccess) {
  return new Elysia().get('/admin/streams', ({ request, query: { after, limit } }) => (checkAdmin(access, request), streamHeads(db, after ?? '', limit ?? 1000)), {
    query: t.Object({ after: t.Optional(t.String({ maxLength: 200 })), limit: t.Optional(t.Integer({ minimum: 1, maximum: 10000 })) }),
    detail: { hide: true },
  });
}
