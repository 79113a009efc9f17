import { headers, session } from './api';

export interface Envelope {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  occurredAt: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  position?: number;
}

/** The users an event is about: the stream's user, and the ids a friend event names. */
export function usersOf(e: Envelope): number[] {
  const ids = new Set<number>();
  const m = /^user-(\d+)$/.exec(e.streamId);
  if (m) ids.add(Number(m[1]));
  for (const key of ['userId', 'friendId']) if (typeof e.data?.[key] === 'number') ids.add(e.data[key] as number);
  return [...ids];
}

/** The trace id of a W3C traceparent (`00-<trace>-<span>-<flags>`). */
export const traceOf = (e: Envelope) => String(e.metadata?.traceparent ?? '').split('-')[1] ?? '';

/**
 * Follows `/recommendation/v1/events/stream` with fetch rather than EventSource, which cannot send
 * an Authorization header. On a broken connection it reconnects with the last id seen as
 * `Last-Event-ID`, so the server resumes right after it.
 */
export function followEvents(onEvent: (e: Envelope) => void, onState: (connected: boolean) => void) {
  let lastId = '';
  let stopped = false;
  const decoder = new TextDecoder();
  async function once() {
    const h = headers({ accept: 'text/event-stream' });
    if (lastId) h['last-event-id'] = lastId;
    const res = await fetch('/recommendation/v1/events/stream?backlog=200', { headers: h });
    if (res.status === 401 || res.status === 403) session.onRefused(res.status, ((await res.json().catch(() => ({}))) as { detail?: string }).detail ?? 'refused');
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    onState(true);
    const reader = res.body.getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = '';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) id = line.slice(3).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trimStart();
        }
        if (!data) continue;
        if (id) lastId = id;
        onEvent(JSON.parse(data));
      }
    }
  }
  void (async () => {
    while (!stopped) {
      try {
        await once();
      } catch {
        // Reconnected below.
      }
      onState(false);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return { stop: () => void (stopped = true) };
}
