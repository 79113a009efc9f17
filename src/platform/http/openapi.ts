import { swagger } from '@elysiajs/swagger';
import { Elysia } from 'elysia';
import { INTERNAL_CREDENTIAL_HEADER } from './internal-credential';
import { applyOperationDocs } from './openapi-docs';
import { HTTP_METHODS, isObject, normalizeUpstreamDoc, type JsonObject, type OpenApiDoc } from './openapi-normalize';
import { ProblemSchema } from './problem';
import { swaggerUi } from './swagger-ui';

type SecuritySchemes = Record<string, { type: 'http'; scheme: string; description?: string }>;

export interface OpenApiOptions {
  securitySchemes?: SecuritySchemes;
  /** The module serves only requests with an internal credential (user authentication on): every non-health operation can answer 401. */
  internalCredential?: boolean;
}

// Where the plugin's own document and page are parked; `/swagger/json` serves the repaired document.
const RAW_SPEC = '/swagger/raw';
/** What holds for every operation, said once rather than on each. */
const CONVENTIONS =
  'Errors are `application/problem+json` (RFC 9457: `type`, `title`, `status`, `detail`, `instance`). ' +
  'Bodies are JSON: another media type is a 415. A method a path does not accept is a 405 with `Allow`. ' +
  'Every answer carries `x-trace-id`, the id to look for in the logs and traces.';
const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/**
 * Answers every module can give beyond its routes' own: 415 for a body that is not JSON (see
 * json-body.ts) and, with internal credentials required, 401 (see internal-auth.ts).
 */
function withModuleResponses(doc: OpenApiDoc, internalCredential: boolean): OpenApiDoc {
  const paths: Record<string, JsonObject> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const out: JsonObject = { ...item };
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isObject(op)) continue;
      const extra: JsonObject = {};
      if (op.requestBody) extra['415'] = { description: 'The body is not `application/json`', content: problemContent };
      const consistency = consistencyDocs(path, method, op);
      if (internalCredential && !path.startsWith('/actuator/')) {
        extra['401'] = { description: `No valid \`${INTERNAL_CREDENTIAL_HEADER}\`: this service answers only the gateway and its sibling services`, content: problemContent };
      }
      out[method] = { ...op, ...consistency, responses: { ...(consistency.responses ?? op.responses), ...extra } };
    }
    paths[path] = out;
  }
  return { ...doc, paths };
}

const consistencyTokenSchema = { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' };

/**
 * Read your writes (platform/consistency): every command's 2xx carries `Consistency-Token`; every
 * read accepts one or more, comma-separated, and then answers 503 rather than a stale 200.
 */
function consistencyDocs(path: string, method: string, op: JsonObject): { parameters?: unknown[]; responses?: JsonObject } {
  if (!path.startsWith('/v1/')) return {};
  const responses = { ...(op.responses as JsonObject) };
  if (method !== 'get') {
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith('2') || !isObject(response)) continue;
      const header = { description: 'Stands for the events this command appended (or the stream\'s current version if none): send it back on reads to see this write', schema: consistencyTokenSchema };
      responses[status] = { ...response, headers: { ...(response.headers as JsonObject), 'Consistency-Token': header } };
    }
    return { responses };
  }
  const parameter = {
    name: 'Consistency-Token',
    in: 'header',
    required: false,
    description: 'Tokens from command answers, comma-separated (or the header repeated): the answer reflects at least those writes, after a wait of at most CONSISTENCY_WAIT_MS, or is a 503 with Retry-After (too many waiting reads: 503 at once). A malformed token is a 400.',
    schema: { type: 'string' },
  };
  const unavailable = isObject(responses['503']) ? (responses['503'] as JsonObject) : { content: problemContent };
  responses['503'] = { ...unavailable, description: `${(unavailable.description as string | undefined) ?? 'Unavailable'}; or the read model has not caught up with the Consistency-Token in time (Retry-After)` };
  return { parameters: [...((op.parameters as unknown[] | undefined) ?? []), parameter], responses };
}

/**
 * OpenAPI for one module at `/swagger/json` (generated from the routes' `t` schemas and `detail`)
 * and a local Swagger UI at `/swagger`. What @elysiajs/swagger generates is not valid OpenAPI 3.0
 * (responses without descriptions, `$id`, `const`, every body parser's media type): the document
 * served is repaired (openapi-normalize.ts) and completed with the routes' examples and headers
 * (openapi-docs.ts). The plugin's own page, which pulls its scripts from a CDN, is parked on a
 * hidden path; ours replaces it.
 */
export function openApi(title: string, description: string, options: OpenApiOptions = {}) {
  const { securitySchemes, internalCredential = false } = options;
  const plugin = swagger({
    path: '/swagger/cdn',
    specPath: RAW_SPEC,
    documentation: { info: { title, description: `${description}\n\n${CONVENTIONS}`, version: '1.0.0' }, ...(securitySchemes ? { components: { securitySchemes } } : {}) },
    exclude: [/^\/swagger/],
  });
  // The plugin's document handler; it reads the routes of the app the plugin is used in.
  const route = plugin.router.history.find((r) => r.path === RAW_SPEC);
  if (!route) throw new Error(`@elysiajs/swagger did not register ${RAW_SPEC}`);
  const generate = route.handler as () => OpenApiDoc;
  const serve = () => {
    const normalized = normalizeUpstreamDoc(generate());
    // Problem is used by every module; named even when a module's routes reuse it inline.
    const { $id: _id, ...problemSchema } = JSON.parse(JSON.stringify(ProblemSchema));
    normalized.components!.schemas!.Problem ??= problemSchema;
    return applyOperationDocs(withModuleResponses(normalized, internalCredential));
  };
  return new Elysia({ name: `openapi:${title}` })
    .use(plugin)
    .get('/swagger/json', serve, { detail: { hide: true } })
    .use(swaggerUi(title));
}
