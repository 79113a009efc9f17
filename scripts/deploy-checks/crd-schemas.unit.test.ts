/** A CRD's OpenAPI schema as the strict JSON Schema kubeconform validates with. */
import { expect, test } from 'bun:test';
import { schemaFiles, toJsonSchema } from './crd-schemas';

test('closes objects that list their properties, unless the CRD keeps unknown fields', () => {
  const schema = toJsonSchema({
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true }, note: { type: 'string', nullable: true } } },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  });
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.spec.additionalProperties).toBe(false);
  expect(schema.properties.spec.properties.port).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'string' }, { type: 'integer' }] });
  expect(schema.properties.spec.properties.note.type).toEqual(['string', 'null']);
  expect(schema.properties.free.additionalProperties).toBeUndefined();
  expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
});

test('one file per kind and version, named as kubeconform looks them up, with apiVersion and kind pinned', () => {
  const crd = {
    kind: 'CustomResourceDefinition',
    spec: { group: 'monitoring.coreos.com', names: { kind: 'ServiceMonitor' }, versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }] },
  };
  const files = schemaFiles([crd]);
  expect([...files.keys()]).toEqual(['monitoring.coreos.com/servicemonitor_v1.json']);
  const schema = files.get('monitoring.coreos.com/servicemonitor_v1.json')!;
  expect(schema.properties.apiVersion.enum).toEqual(['monitoring.coreos.com/v1']);
  expect(schema.properties.kind.enum).toEqual(['ServiceMonitor']);
  expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata']);
});
