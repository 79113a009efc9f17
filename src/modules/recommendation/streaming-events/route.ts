import { Elysia, t } from 'elysia';
import { documented } from '../../../platform/http/openapi-docs';
import { ProblemSchema } from '../../../platform/http/problem';
import type { EventStream } from './event-stream';

const exampleMessage = `id: 7-0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b
event: event
data: {"id":"0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b","type":"FriendAdded","schemaVersion":1,"streamId":"friendship-3","streamVersion":1,"occurredAt":"2026-03-01T09:40:00.000Z","data":{"friendshipId":3,"userId":42,"friendId":7},"metadata":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},"topic":"friend-events","position":7}

`;

const eventStreamDocs = documented({
  tags: ['recommendation'],
  summary: 'Stream events as they are applied',
  description:
    "Server-sent events (`Content-Type: text/event-stream`). Each message has `event: event`, `id` = `<position>-<event id>`, the event's position in this service's log and its id (send it back as `Last-Event-ID` to resume right after it, with no gap or duplicate; on another instance the event id places it in that instance's log), and `data` = the event envelope as JSON (`id`, `type`, `schemaVersion`, `streamId`, `streamVersion`, `occurredAt`, `data`, `metadata`, plus `topic` and `position`). Events come in log order, so in order within each stream. Without `Last-Event-ID` the newest `backlog` events come first.",
  examplePath: '/v1/events/stream',
  responses: {
    200: { description: 'An endless stream of events', example: exampleMessage, mediaType: 'text/event-stream' },
    400: { description: 'Invalid backlog', example: { detail: 'parameter backlog: Expected integer to be less or equal to 1000 (got 5000)' } },
  },
});

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
      headers: t.Object({ 'last-event-id': t.Optional(t.String({ maxLength: 64, description: 'the `id` of the last event received: the stream resumes right after it' })) }),
      // Each message's data is an event envelope (see the description); schemathesis checks SSE data against this.
      response: { 200: t.Any({ description: 'text/event-stream: an endless series of messages, each data an event envelope' }), 400: ProblemSchema },
      detail: eventStreamDocs,
    },
  );
}
