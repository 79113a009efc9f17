import { HTTP_METHODS, isObject, normalizeUpstreamDoc, type JsonObject, type OpenApiDoc } from '../../platform/http/openapi-normalize';
import type { GatewayRoute } from './routes';

export interface UpstreamDoc {
  route: GatewayRoute;
  doc: OpenApiDoc;
}

export interface MissingUpstream {
  route: GatewayRoute;
  reason: string;
}

/** Name a route contributes to operationIds, tags and renamed components: `/user` -> `user`. */
const namespaceOf = (route: GatewayRoute) => route.prefix.slice(1);
const camel = (...parts: string[]) =>
  parts.join('-').split(/[^A-Za-z0-9]+/).filter(Boolean).map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join('');

/** Deep copy with every `$ref` found in `renamed` replaced. */
function rewriteRefs(node: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, renamed));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? (renamed.get(value) ?? value) : rewriteRefs(value, renamed);
  }
  return out;
}

/**
 * Which of an upstream's components must take a new name: those whose name is taken by a different
 * definition. Identical definitions are shared. Repeated until stable, because renaming one
 * component changes every component that refers to it.
 */
function planRenames(components: Record<string, JsonObject>, target: Record<string, JsonObject>, namespace: string) {
  const renamed = new Map<string, string>();
  const used = new Set<string>();
  const taken = (section: string, name: string) => target[section]?.[name] !== undefined || used.has(`${section}/${name}`);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [section, entries] of Object.entries(components)) {
      for (const [name, value] of Object.entries(entries)) {
        const ref = `#/components/${section}/${name}`;
        const existing = target[section]?.[name];
        if (renamed.has(ref) || existing === undefined) continue;
        if (JSON.stringify(existing) === JSON.stringify(rewriteRefs(value, renamed))) continue;
        let fresh = `${namespace}.${name}`;
        for (let n = 2; taken(section, fresh); n++) fresh = `${namespace}.${name}${n}`;
        used.add(`${section}/${fresh}`);
        renamed.set(ref, `#/components/${section}/${fresh}`);
        changed = true;
      }
    }
  }
  return renamed;
}

/**
 * Examples of paths the client sees: a problem's `instance` and a `Location`, which the upstream
 * writes without the prefix (the gateway rewrites `Location`, and passes the prefix for `instance`).
 */
function prefixExamples(responses: JsonObject, prefix: string): JsonObject {
  const prefixed = (value: unknown) => (typeof value === 'string' && value.startsWith('/') ? prefix + value : value);
  const out: JsonObject = {};
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response) || typeof response.$ref === 'string') {
      out[status] = response;
      continue;
    }
    const copy: JsonObject = { ...response };
    const problem = copy.content?.['application/problem+json'];
    if (isObject(problem?.example)) {
      copy.content = { ...copy.content, 'application/problem+json': { ...problem, example: { ...problem.example, instance: prefixed(problem.example.instance) } } };
    }
    const location = copy.headers?.location;
    if (isObject(location) && location.example !== undefined) copy.headers = { ...copy.headers, location: { ...location, example: prefixed(location.example) } };
    out[status] = copy;
  }
  return out;
}

function prefixOperations(item: JsonObject, route: GatewayRoute, path: string, extraResponses: JsonObject): JsonObject {
  const namespace = namespaceOf(route);
  const out: JsonObject = { ...item };
  for (const [method, op] of Object.entries(item)) {
    if (!HTTP_METHODS.has(method) || !isObject(op)) continue;
    const tags: unknown[] = Array.isArray(op.tags) && op.tags.length ? op.tags : [namespace];
    out[method] = {
      ...op,
      operationId: camel(namespace, typeof op.operationId === 'string' ? op.operationId : `${method}-${path}`),
      tags: tags.map((tag) => (tag === namespace ? namespace : `${namespace}/${String(tag)}`)),
      responses: { ...extraResponses, ...prefixExamples(isObject(op.responses) ? op.responses : {}, route.prefix) },
    };
  }
  return out;
}

/**
 * One document for everything behind the gateway: each upstream's paths under its route prefix,
 * operationIds and tags namespaced by the route, components merged (shared when identical,
 * renamed when not), plus the gateway's own paths and the errors the gateway itself can answer.
 */
export function mergeOpenApi(options: {
  title: string;
  description: string;
  own: OpenApiDoc;
  /** Responses every forwarded operation can get from the gateway itself (e.g. 502/503/504). */
  gatewayResponses: JsonObject;
  upstreams: UpstreamDoc[];
  missing: MissingUpstream[];
}): OpenApiDoc {
  // The gateway's own part is built from the same TypeBox schemas, so it needs the same repairs.
  const own = normalizeUpstreamDoc(options.own);
  const components: Record<string, JsonObject> = structuredClone(own.components ?? {});
  const paths: Record<string, JsonObject> = structuredClone(own.paths ?? {});
  const tags: JsonObject[] = structuredClone(own.tags ?? []);

  for (const { route, doc } of options.upstreams) {
    const normalized = normalizeUpstreamDoc(doc);
    const namespace = namespaceOf(route);
    const renamed = planRenames(normalized.components ?? {}, components, namespace);
    for (const [section, entries] of Object.entries(normalized.components ?? {})) {
      const into = (components[section] ??= {});
      for (const [name, value] of Object.entries(entries)) {
        const ref = `#/components/${section}/${name}`;
        into[(renamed.get(ref) ?? ref).slice(`#/components/${section}/`.length)] = rewriteRefs(value, renamed);
      }
    }
    for (const [path, item] of Object.entries(normalized.paths ?? {})) {
      const publicPath = route.prefix + (path === '/' ? '' : path.startsWith('/') ? path : `/${path}`);
      paths[publicPath] = prefixOperations(rewriteRefs(item, renamed) as JsonObject, route, path, options.gatewayResponses);
    }
    for (const tag of normalized.tags ?? []) {
      if (typeof tag.name === 'string') tags.push({ ...tag, name: tag.name === namespace ? namespace : `${namespace}/${tag.name}` });
    }
  }

  const missing = options.missing.map(({ route, reason }) => `${route.service} (${route.prefix}): ${reason}`);
  const description = missing.length
    ? `${options.description}\n\nNot included, unavailable when this document was built: ${missing.join('; ')}.`
    : options.description;
  return {
    openapi: '3.0.3',
    info: { title: options.title, description, version: '1.0.0' },
    paths,
    components,
    ...(tags.length ? { tags } : {}),
  };
}
