import { ProblemSchema } from './problem';

/** OpenAPI documents from upstreams are data we did not write: typed loosely, checked as we go. */
export type JsonObject = Record<string, any>;

export interface OpenApiDoc {
  openapi?: string;
  info?: JsonObject;
  paths?: Record<string, JsonObject>;
  components?: Record<string, JsonObject>;
  tags?: JsonObject[];
}

export const HTTP_METHODS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const NAMED_SCHEMA = /^#\/components\/schemas\/([A-Za-z0-9._-]+)$/;
const nameOf = (id: unknown) => (typeof id === 'string' ? NAMED_SCHEMA.exec(id)?.[1] : undefined);

const PROBLEM_REF = `#/components/schemas/${nameOf(ProblemSchema.$id)}`;

/**
 * Elysia's numeric types also accept their text (`anyOf: [{type: string, format: integer}, {type:
 * integer}]`): that is lenient parsing, not the contract, and it would tell clients (and fuzzers)
 * that any string is a valid id. OpenAPI 3.0 also lacks `const` and `type: 'null'`.
 */
const COERCED_FORMATS: ReadonlySet<unknown> = new Set(['integer', 'numeric']);
const isCoercion = (s: unknown) => isObject(s) && s.type === 'string' && COERCED_FORMATS.has(s.format);
const isNull = (s: unknown) => isObject(s) && s.type === 'null' && Object.keys(s).length === 1;

function schemaFor30(node: JsonObject): JsonObject {
  let out = node;
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const { anyOf: _, ...rest } = out;
    const [a, b] = anyOf;
    if (isCoercion(a) || isCoercion(b)) out = { ...rest, ...(isCoercion(a) ? b : a) };
    else if (isNull(a) || isNull(b)) {
      const other = isNull(a) ? b : a;
      // Keywords beside a `$ref` are ignored in 3.0: a nullable reference stays as it is.
      if (isObject(other) && other.$ref === undefined) out = { ...rest, ...other, nullable: true };
    }
  }
  // A primitive `const` is a schema keyword; an object under that key is a property named `const`.
  if ('const' in out && !isObject(out.const)) {
    const { const: value, ...rest } = out;
    out = { ...rest, enum: [value] };
  }
  return out;
}

const PLUGIN_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', 'multipart/form-data', 'text/plain']);

/**
 * The plugin lists every body parser's media type (JSON, multipart, text) for responses too. The
 * modules answer JSON, and errors as application/problem+json: one entry, named for what is sent.
 */
function responseContent(content: JsonObject): JsonObject {
  // One media type the module chose itself (`text/event-stream`, `application/problem+json`) stays.
  const types = Object.keys(content);
  if (types.length === 1 && !PLUGIN_MEDIA_TYPES.has(types[0]!)) return content;
  const media = content['application/json'] ?? Object.values(content)[0];
  if (!isObject(media)) return content;
  return { [media.schema?.$ref === PROBLEM_REF ? 'application/problem+json' : 'application/json']: media };
}

const statusText: Record<string, string> = {
  '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No Content', '400': 'Bad Request', '401': 'Unauthorized',
  '403': 'Forbidden', '404': 'Not Found', '405': 'Method Not Allowed', '408': 'Request Timeout', '410': 'Gone', '415': 'Unsupported Media Type',
  '409': 'Conflict', '412': 'Precondition Failed', '422': 'Unprocessable Content', '500': 'Internal Server Error',
  '503': 'Service Unavailable',
};

/**
 * Repairs what @elysiajs/swagger emits so the merged document is valid OpenAPI 3.0:
 * - a schema carrying `$id: '#/components/schemas/User'` moves into `components.schemas.User` and is
 *   referenced (`$id` is not an OpenAPI 3.0 keyword, and one named schema beats many copies);
 * - response objects also get the schema's own keys spread onto them (`$id`, `type`, `items`) and no
 *   `description`, which OpenAPI requires: they are rebuilt from their allowed fields, and a
 *   response-level `$id` names the schema of its content;
 * - response media types are the ones the modules send, and schemas say what they mean in 3.0
 *   (see `schemaFor30`).
 * Returns a new document.
 */
export function normalizeUpstreamDoc(doc: OpenApiDoc): OpenApiDoc {
  const schemas: JsonObject = {};
  const hoist = (schema: unknown, name: string): unknown => {
    const existing = schemas[name];
    if (existing === undefined) schemas[name] = schema;
    // Another shape under the same name: leave it inline rather than guess.
    else if (JSON.stringify(existing) !== JSON.stringify(schema)) return schema;
    return { $ref: `#/components/schemas/${name}` };
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) if (key !== '$id') out[key] = walk(value);
    const name = nameOf(node.$id);
    return name ? hoist(schemaFor30(out), name) : schemaFor30(out);
  };
  const response = (status: string, raw: unknown): unknown => {
    if (!isObject(raw) || typeof raw.$ref === 'string') return raw;
    const out: JsonObject = { description: typeof raw.description === 'string' ? raw.description : (statusText[status] ?? `HTTP ${status}`) };
    for (const [key, value] of Object.entries(raw)) if (key === 'headers' || key === 'links' || key.startsWith('x-')) out[key] = walk(value);
    if (isObject(raw.content)) {
      const name = nameOf(raw.$id);
      out.content = {};
      for (const [type, media] of Object.entries(raw.content)) {
        const walked = walk(media) as JsonObject;
        if (name && walked.schema !== undefined) walked.schema = hoist(walked.schema, name);
        out.content[type] = walked;
      }
      out.content = responseContent(out.content);
    }
    return out;
  };

  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) schemas[name] ??= walk(schema);
  const paths: Record<string, JsonObject> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!isObject(item)) continue;
    const outItem: JsonObject = {};
    for (const [key, value] of Object.entries(item)) {
      if (!HTTP_METHODS.has(key) || !isObject(value)) {
        outItem[key] = walk(value);
        continue;
      }
      const { responses, ...rest } = value;
      const op = walk(rest) as JsonObject;
      op.responses = {};
      for (const [status, raw] of Object.entries(isObject(responses) ? responses : {})) op.responses[status] = response(status, raw);
      // OpenAPI requires at least one response.
      if (Object.keys(op.responses).length === 0) op.responses.default = { description: 'Response' };
      outItem[key] = op;
    }
    paths[path] = outItem;
  }
  const components: Record<string, JsonObject> = {};
  for (const [section, entries] of Object.entries(doc.components ?? {})) {
    if (section !== 'schemas' && isObject(entries)) components[section] = walk(entries) as JsonObject;
  }
  components.schemas = schemas;
  return { ...doc, paths, components, ...(doc.tags ? { tags: walk(doc.tags) as JsonObject[] } : {}) };
}
