import { HTTP_METHODS, isObject, type JsonObject, type OpenApiDoc } from '../../../platform/http/openapi-normalize';
import { responseHeaders } from '../../../platform/http/openapi-docs';
import { problem as problemBody } from '../../../platform/http/problem';
import { isPublic } from './policy';

/** Reads are open to every verified user; only other methods can get the ownership 403. */
const READS: ReadonlySet<string> = new Set(['get', 'head', 'options']);

const problem = (description: string, status: number, detail: string, headers: JsonObject = {}) => ({
  description,
  headers: { ...headers, 'x-trace-id': responseHeaders['x-trace-id'] },
  content: {
    'application/problem+json': {
      schema: { $ref: '#/components/schemas/GatewayProblem' },
      example: { ...problemBody(status, detail), instance: '/friend/v1/users/42/commands/addFriend' },
    },
  },
});

/**
 * The merged document as it is when tokens are required: a `bearerAuth` scheme and a global
 * requirement (Swagger UI then shows its Authorize button and sends the token), health checks
 * marked open, and the gateway's 401 and 403 on every operation that needs the token.
 */
export function withBearerAuth(doc: OpenApiDoc): OpenApiDoc & { security: JsonObject[] } {
  const paths: Record<string, JsonObject> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const out: JsonObject = { ...item };
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isObject(op)) continue;
      // `/actuator/health` is the gateway's own, `/{prefix}/actuator/health` an upstream's: both open.
      if (isPublic(method.toUpperCase(), path.replace(/^\/[^/]+(?=\/actuator\/)/, ''))) {
        out[method] = { ...op, security: [] };
        continue;
      }
      const refusals: JsonObject = { '401': { $ref: '#/components/responses/Unauthorized' } };
      if (!READS.has(method)) refusals['403'] = { $ref: '#/components/responses/Forbidden' };
      // An upstream's own description of a status wins, except 401: a module's is about its internal
      // credential, which a client never deals with; the gateway's is about the client's token.
      out[method] = { ...op, responses: { ...refusals, ...op.responses, '401': refusals['401'] } };
    }
    paths[path] = out;
  }
  const components = doc.components ?? {};
  return {
    ...doc,
    paths,
    components: {
      ...components,
      responses: {
        ...components.responses,
        Unauthorized: problem('From the gateway: the bearer token is missing, malformed, expired or badly signed', 401, 'missing bearer token: send Authorization: Bearer <jwt>', {
          'www-authenticate': responseHeaders['www-authenticate'],
        }),
        Forbidden: problem('From the gateway: the token is valid, but its user may not do this (another user\'s data)', 403, 'user 7 may not act for user 42'),
      },
      securitySchemes: {
        ...components.securitySchemes,
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT whose `sub` is your user id' },
      },
    },
    security: [{ bearerAuth: [] }],
  };
}
