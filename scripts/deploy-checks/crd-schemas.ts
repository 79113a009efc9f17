/**
 * JSON schemas for kubeconform, made from the Prometheus Operator's own CRDs (the Go module
 * github.com/prometheus-operator/prometheus-operator, example/prometheus-operator-crd, fetched
 * through the Go module proxy) and cached outside the work tree beside the other tools. Laid out
 * as kubeconform's `{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import { cache } from './tools';

export const operatorVersion = 'v0.85.0';
export const SCHEMA_LOCATION = '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json';

type Schema = Record<string, any>;

/**
 * An OpenAPI v3 schema of a CRD as strict JSON Schema: objects that list their properties take no
 * others (what the API server's pruning would silently drop is a mistake in a chart), unless the
 * CRD keeps unknown fields; Kubernetes' int-or-string and nullable become JSON Schema types.
 */
export function toJsonSchema(node: Schema): Schema {
  if (Array.isArray(node)) return node.map(toJsonSchema) as unknown as Schema;
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v as Schema)]));
    } else if (typeof value === 'object' && value !== null) out[key] = toJsonSchema(value as Schema);
    else out[key] = value;
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** The schema files for every kind and served version of the given CRD documents. */
export function schemaFiles(crds: Schema[]): Map<string, Schema> {
  const files = new Map<string, Schema>();
  for (const crd of crds) {
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const { group, names } = crd.spec;
    for (const version of crd.spec.versions) {
      const schema = toJsonSchema(version.schema.openAPIV3Schema);
      // apiVersion, kind and metadata as the API server checks them, whatever the CRD says.
      schema.properties = { ...schema.properties, apiVersion: { type: 'string', enum: [`${group}/${version.name}`] }, kind: { type: 'string', enum: [names.kind] }, metadata: { type: 'object' } };
      schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
      files.set(`${group}/${names.kind.toLowerCase()}_${version.name}.json`, schema);
    }
  }
  return files;
}

async function goModuleDir(module: string, version: string): Promise<string> {
  // Outside any Go module, so no go.mod is needed or touched.
  const proc = Bun.spawn(['go', 'mod', 'download', '-json', `${module}@${version}`], { cwd: tempDir('sn-go-mod-'), env: { ...process.env, GOFLAGS: '-mod=mod' }, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`go mod download ${module}@${version} failed (exit ${code})\n${out}${err}`);
  return (JSON.parse(out) as { Dir: string }).Dir;
}

/** The schema directory, made once per operator version. */
export async function operatorSchemas(log: (line: string) => void = console.log): Promise<string> {
  const dir = join(cache, `prometheus-operator-${operatorVersion}-schemas`);
  if (existsSync(join(dir, '.complete'))) return dir;
  if (!Bun.which('go')) throw new Error('the Prometheus Operator CRDs come from the Go module proxy: install Go first');
  log(`fetching the Prometheus Operator ${operatorVersion} CRDs from the Go module proxy`);
  const crdDir = join(await goModuleDir('github.com/prometheus-operator/prometheus-operator', operatorVersion), 'example', 'prometheus-operator-crd');
  const crds = readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).flatMap((f) => [Bun.YAML.parse(readFileSync(join(crdDir, f), 'utf8'))].flat() as Schema[]);
  rmSync(dir, { recursive: true, force: true });
  const files = schemaFiles(crds);
  if (!files.size) throw new Error(`no CRDs found in ${crdDir}`);
  for (const [name, schema] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    await Bun.write(join(dir, name), JSON.stringify(schema));
  }
  await Bun.write(join(dir, '.complete'), new Date().toISOString());
  return dir;
}
