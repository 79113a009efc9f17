import { Elysia, t } from 'elysia';
import type { EventStream } from './event-stream';

const StreamQuery = t.Object({
  backlog: t.Optional(t.Integer({ minimum: 0, maximum: 1000, description: 'Without Last-Event-ID: how many of the newest events to send first (default 100)' })),
});

/** `GET /v1/events/stream`: the events this service applied, live, as server-sent events. */
export function eventStreamRoute(stream: EventStream) {
  return new Elysia({ name: 'event-stream' }).get(
    '/v1/events/stream',
    ({ query: { backlog }, request }) => stream.respond(request.headers.get('last-event-id'), backlog ?? 100, request.signal),
    {
      query: StreamQuery,
      headers: t.Object({ 'last-event-id': t.Optional(t.String({ maxLength: 32, description: 'the `id` of the last event received: the stream resumes right after it' })) }),
      detail: {
        summary: 'Stream events as they are applied',
        description:
          'Server-sent events (`text/event-stream`). Each message has `event: event`, `id` = the position of the event in this service\'s log (send it back as `Last-Event-ID` to resume with no gap or duplicate), and `data` = the event envelope as JSON (`id`, `type`, `schemaVersion`, `streamId`, `streamVersion`, `occurredAt`, `data`, `metadata`, plus `topic` and `position`). Events come in log order, so in order within each stream.',
        tags: ['recommendation'],
        responses: {
          200: { description: 'An endless event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          400: { description: 'Bad query', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
  );
}
