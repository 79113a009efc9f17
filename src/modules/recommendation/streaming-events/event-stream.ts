import { asc, eq, gt, max } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { rowToEnvelope } from '../../../platform/events/event-codec';
import type { Logger } from '../../../platform/log';
import { topicOf } from '../projecting-events/log-topics';
import { receivedEvents } from '../schema';
import { metadataOf } from '../projecting-events/log-metadata';

/** Rows read per query while a subscriber catches up. */
const PAGE = 500;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
/** A wake-up without a notify: covers a notify lost between a read and the wait. */
const POLL_MS = 1_000;

export interface EventStreamOptions {
  db: Db;
  log: Logger;
}

/**
 * Server-sent events read from the service's own log by position, not from a buffer in memory:
 * an event's `id` starts with its log position, so a client reconnecting with `Last-Event-ID` gets exactly
 * the rows after it, in log order (and so in order per stream), with no gap and no duplicate, even
 * across a restart of this service. `notify()` after each applied batch wakes the subscribers.
 */
export function createEventStream({ db, log }: EventStreamOptions) {
  const waiters = new Set<() => void>();
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let closed = false;
  const encoder = new TextEncoder();

  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const nextChange = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  async function tail(): Promise<number> {
    const [row] = await db.select({ last: max(receivedEvents.position) }).from(receivedEvents);
    return row?.last ?? 0;
  }

  /**
   * Where to resume. An id is `<position>-<event id>`: the position is exact on this instance; the
   * event id places the resume in another instance's log (each keeps its own, in its own order),
   * which a reconnect through the gateway may reach.
   */
  async function resumeAfter(lastEventId: string): Promise<number | undefined> {
    const m = /^(\d{1,15})(?:-([0-9a-f-]{36}))?$/i.exec(lastEventId.trim());
    if (!m) return undefined;
    if (m[2]) {
      const [row] = await db.select({ position: receivedEvents.position }).from(receivedEvents).where(eq(receivedEvents.eventId, m[2]));
      if (row) return row.position;
    }
    return Number(m[1]);
  }

  async function page(after: number) {
    return db.select().from(receivedEvents).where(gt(receivedEvents.position, after)).orderBy(asc(receivedEvents.position)).limit(PAGE);
  }

  /** A stream starting after `lastEventId`, or with the newest `backlog` events when there is none. */
  async function respond(lastEventId: string | null | undefined, backlog: number, signal: AbortSignal): Promise<Response> {
    const resumed = lastEventId ? await resumeAfter(lastEventId) : undefined;
    let cursor = resumed ?? Math.max(0, (await tail()) - backlog);
    const stop = new AbortController();
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        open.add(controller);
        // Tells EventSource how long to wait before reconnecting.
        controller.enqueue(encoder.encode(`retry: 1000\n: stream after position ${cursor}\n\n`));
        void (async () => {
          let quietSince = Date.now();
          try {
            while (!closed && !stop.signal.aborted) {
              const rows = await page(cursor);
              for (const row of rows) {
                const envelope = { ...rowToEnvelope({ ...row, metadata: metadataOf(row.metadata) }), topic: topicOf(row.topic, row.streamId), position: row.position };
                controller.enqueue(encoder.encode(`id: ${row.position}-${row.eventId}\nevent: event\ndata: ${JSON.stringify(envelope)}\n\n`));
                cursor = row.position;
              }
              if (rows.length === PAGE) continue;
              if (rows.length > 0) quietSince = Date.now();
              else if (Date.now() - quietSince >= KEEPALIVE_MS) {
                controller.enqueue(encoder.encode(': keepalive\n\n'));
                quietSince = Date.now();
              }
              await nextChange(stop.signal);
            }
          } catch (error) {
            if (!stop.signal.aborted && !closed) log.warn('event stream ended by an error', { error });
          } finally {
            open.delete(controller);
            try {
              controller.close();
            } catch {
              // Already closed by the client.
            }
          }
        })();
      },
      cancel() {
        stop.abort();
      },
    });
    return new Response(body, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    });
  }

  return {
    respond,
    /** Call after a batch is in the log. */
    notify: wake,
    /** Ends every open stream (on shutdown), so the server can stop without waiting on them. */
    close() {
      closed = true;
      wake();
      for (const controller of open) {
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      }
      open.clear();
    },
    subscribers: () => open.size,
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
