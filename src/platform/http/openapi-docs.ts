import { isObject, type JsonObject, type OpenApiDoc } from './openapi-normalize';
import { problem } from './problem';

/**
 * What a route says about itself beyond its `t` schemas: a description, realistic examples of its
 * request and of each answer (errors included), and the headers each answer carries. Swagger UI
 * fills "Try it out" from these examples instead of inventing values from the schemas (a random
 * string matching the not-blank pattern, `additionalProp1`, `0` for every id).
 *
 * @elysiajs/swagger spreads a route's `detail` over the operation it generates, after the
 * responses: a `responses` there would replace the generated schemas. So the examples and headers
 * travel in `x-docs`, and `applyOperationDocs` folds them into the generated responses.
 */
export interface OperationDocs {
  tags: string[];
  summary: string;
  description: string;
  /** An example request body. */
  request?: unknown;
  /** Per status: an example body (a problem's `instance` is filled in from `examplePath`), headers, and a description. */
  responses?: Record<number, ResponseDocs>;
  /** Concrete path used in problem examples' `instance`, e.g. `/v1/users/42`. */
  examplePath?: string;
  security?: Record<string, string[]>[];
}

export interface ResponseDocs {
  description?: string;
  example?: unknown;
  headers?: HeaderName[];
  /** A header's value in this answer, when the catalogue's example does not fit (`Location` of a friendship). */
  headerExamples?: Partial<Record<HeaderName, string>>;
  /** The answer's media type when it is not JSON (`text/event-stream`): replaces what the schema gave. */
  mediaType?: string;
}

/** Response headers the services send, documented once. */
export const responseHeaders = {
  etag: { description: 'Version of the resource; send it back as `If-Match` to update only that version', schema: { type: 'string' }, example: '"3"' },
  location: { description: 'Path of the created resource', schema: { type: 'string' }, example: '/v1/users/42' },
  'retry-after': { description: 'Seconds to wait before trying again', schema: { type: 'integer' }, example: 5 },
  'www-authenticate': { description: 'The authentication the request lacks', schema: { type: 'string' }, example: 'Bearer realm="social-network"' },
  allow: { description: 'The methods the path accepts', schema: { type: 'string' }, example: 'GET, PUT' },
  'x-trace-id': { description: 'Trace id of this request: find it in the logs and traces', schema: { type: 'string' }, example: '4bf92f3577b34da6a3ce929d0e0e4736' },
} as const;
export type HeaderName = keyof typeof responseHeaders;

/** What most errors say, for statuses a route documents without an example of its own. */
const usualDetail: Record<number, string> = {
  400: 'parameter id: must be an integer from 1 to 2147483647',
  401: 'missing or invalid internal credential',
  403: 'not allowed',
  404: 'no such resource',
  409: 'the resource was changed concurrently; retry',
  412: 'If-Match "2" does not match the current version "3"',
  415: 'the body must be application/json',
  503: 'the database is unavailable; retry later',
};

/** The `detail` of a route: what @elysiajs/swagger puts on the operation, with `x-docs` for `applyOperationDocs`. */
export function documented(docs: OperationDocs) {
  const { tags, summary, description, security, ...rest } = docs;
  return { tags, summary, description, ...(security ? { security } : {}), 'x-docs': rest };
}

/** A problem example, as the services answer it. */
export const problemExample = (status: number, detail: string, instance: string) => ({ ...problem(status, detail), instance });

const isProblem = (response: JsonObject) => response.content?.['application/problem+json'] !== undefined;

function headersOf(names: readonly HeaderName[], examples: Partial<Record<HeaderName, string>> = {}): JsonObject {
  return Object.fromEntries(names.map((name) => [name, examples[name] === undefined ? responseHeaders[name] : { ...responseHeaders[name], example: examples[name] }]));
}

/** An example path from a template: `{id}` becomes 42 unless the route gave one. */
const pathFrom = (template: string) => template.replace(/\{[^}]+\}/g, '42');

/**
 * Folds each operation's `x-docs` into its responses, and gives every response its `x-trace-id`
 * header and every problem response an example. Run on the normalized document (responses carry
 * their final media types). Returns a new document.
 */
export function applyOperationDocs(doc: OpenApiDoc): OpenApiDoc {
  const paths: Record<string, JsonObject> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const outItem: JsonObject = { ...item };
    for (const [method, raw] of Object.entries(item)) {
      if (!isObject(raw) || !isObject(raw.responses)) continue;
      const { 'x-docs': xDocs, ...op } = raw;
      const docs: Omit<OperationDocs, 'tags' | 'summary' | 'description'> = isObject(xDocs) ? xDocs : {};
      const instance = docs.examplePath ?? pathFrom(path);
      if (docs.request !== undefined && isObject(op.requestBody?.content)) {
        op.requestBody = { ...op.requestBody, content: withExample(op.requestBody.content, docs.request) };
      }
      const responses: JsonObject = {};
      for (const [status, response] of Object.entries<JsonObject>(op.responses)) {
        if (!isObject(response) || typeof response.$ref === 'string') {
          responses[status] = response;
          continue;
        }
        const given: ResponseDocs = docs.responses?.[Number(status)] ?? {};
        const out: JsonObject = { ...response, ...(given.description ? { description: given.description } : {}) };
        const code = Number(status);
        // Every answer of a module carries its trace id (see app.ts).
        out.headers = { ...response.headers, ...headersOf([...(given.headers ?? []), 'x-trace-id'], given.headerExamples) };
        let example = given.example;
        if (isProblem(response)) {
          example = isObject(example) ? { ...problem(code, String(example.detail)), instance, ...example } : problemExample(code, usualDetail[code] ?? 'the request failed', instance);
        }
        if (given.mediaType && isObject(out.content)) {
          const schema = Object.values<JsonObject>(out.content)[0]?.schema ?? { type: 'string' };
          out.content = { [given.mediaType]: { schema } };
        }
        if (example !== undefined && isObject(out.content)) out.content = withExample(out.content, example);
        responses[status] = out;
      }
      outItem[method] = { ...op, responses };
    }
    paths[path] = outItem;
  }
  return { ...doc, paths };
}

function withExample(content: JsonObject, example: unknown): JsonObject {
  return Object.fromEntries(Object.entries(content).map(([type, media]) => [type, { ...media, example }]));
}
