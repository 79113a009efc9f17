/**
 * Elysia alone: the benchmarked route with the same path and query schema as the recommendation
 * module, but none of the platform's hooks (error mapping, tracing, metrics, OpenAPI). Between
 * raw Bun.serve and the real module it tells the framework's share of the cost from the platform's.
 * Prints its port on stdout.
 */
import { Elysia, t } from 'elysia';

const app = new Elysia().get('/v1/users/:userId/commands/recommendFriends', () => [], {
  params: t.Object({ userId: t.Integer({ minimum: 1 }) }),
  query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })) }),
});
app.listen({ port: 0, hostname: '127.0.0.1' });
console.log(app.server!.port);
process.on('SIGTERM', () => process.exit(0));
