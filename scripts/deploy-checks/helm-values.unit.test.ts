/**
 * The chart's values agree with the code without rendering it (no helm needed): module ports are
 * the ones the modules listen on, and every configured variable is one the configuration reads.
 * `bun run check:deploy` renders both profiles and checks the objects themselves.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configVariables, defaultPorts } from './config-variables';

const chart = join(import.meta.dir, '..', '..', 'deploy', 'helm', 'social-network');
const values = (file: string) => Bun.YAML.parse(readFileSync(join(chart, file), 'utf8')) as any;
const known = configVariables();
const profiles = ['values.yaml', 'values-desktop.yaml', 'values-production.yaml'];

describe('helm values', () => {
  test('each module listens on the port the code defaults to', () => {
    const ports = defaultPorts();
    const modules = values('values.yaml').modules;
    expect(Object.fromEntries(Object.entries(modules).map(([m, v]: [string, any]) => [m, v.port]))).toEqual(ports);
  });

  test.each(profiles)('%s sets only variables the configuration reads', (file) => {
    for (const name of Object.keys(values(file).config ?? {})) expect({ file, name, known: known.has(name) }).toEqual({ file, name, known: true });
  });

  test('variables the templates name are ones the configuration reads', () => {
    const templates = ['deployments.yaml', 'configmap.yaml', 'secret.yaml', 'user-keys-secret.yaml'].map((f) => readFileSync(join(chart, 'templates', f), 'utf8')).join('\n');
    const literal = [...templates.matchAll(/^\s+-?\s*\{?\s*name: ([A-Z][A-Z0-9_]+)/gm), ...templates.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(literal.length).toBeGreaterThan(5);
    for (const name of literal) expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    // Names the templates build: `<MODULE>_PORT` and `<MODULE>_DATABASE_URL`.
    for (const m of ['discovery', 'user', 'friend', 'recommendation', 'gateway']) expect(known.has(`${m.toUpperCase()}_PORT`)).toBe(true);
    for (const m of ['user', 'friend', 'recommendation']) expect(known.has(`${m.toUpperCase()}_DATABASE_URL`)).toBe(true);
  });

  test('the discovery token comes from a Secret, the chart\'s own unless one is named', () => {
    const base = values('values.yaml');
    expect(base.discoveryToken).toEqual({ existingSecret: '', key: 'DISCOVERY_TOKEN' });
    expect(known.has(base.discoveryToken.key)).toBe(true);
    const deployments = readFileSync(join(chart, 'templates', 'deployments.yaml'), 'utf8');
    expect(deployments).toMatch(/- name: DISCOVERY_TOKEN\n\s+valueFrom: \{ secretKeyRef: \{ name: \{\{ include "sn.discoveryTokenSecret"/);
    const secret = readFileSync(join(chart, 'templates', 'discovery-token-secret.yaml'), 'utf8');
    expect(secret).toContain('lookup "v1" "Secret"');
    expect(secret).toContain('randAlphaNum 64');
  });

  test("the user service's master key comes from a Secret: production names one, desktop gets one made once and kept", () => {
    expect(values('values.yaml').userKeys).toEqual({ existingSecret: '' });
    expect(values('values-production.yaml').userKeys.existingSecret).toBeTruthy();
    expect(values('values-desktop.yaml').userKeys).toBeUndefined();
    for (const name of ['PII_MASTER_KEY', 'PII_PREVIOUS_MASTER_KEY']) expect(known.has(name)).toBe(true);
    const secret = readFileSync(join(chart, 'templates', 'user-keys-secret.yaml'), 'utf8');
    expect(secret).toContain('lookup "v1" "Secret"');
    expect(secret).toContain('randBytes 32 | b64enc');
    expect(secret).toContain('helm.sh/resource-policy: keep');
  });

  test('TLS and SASL are off by default; the variables the chart sets for them are ones the configuration reads', () => {
    const base = values('values.yaml');
    expect([base.kafka.sasl.mechanism, base.kafka.tls.enabled, base.postgres.tls.caSecret, base.neo4j.tls.caSecret]).toEqual(['', false, '', '']);
    const helpers = readFileSync(join(chart, 'templates', '_helpers.tpl'), 'utf8');
    const variables = [...helpers.matchAll(/"variable" "([A-Z0-9_]+)"/g)].map((m) => m[1]!);
    expect(variables).toEqual(['KAFKA_SSL_CA_FILE', 'DATABASE_SSL_CA_FILE', 'NEO4J_TRUSTED_CA_FILE']);
    for (const name of [...variables, base.kafka.sasl.usernameKey, base.kafka.sasl.passwordKey, 'KAFKA_SSL', 'KAFKA_SASL_MECHANISM']) expect({ name, known: known.has(name) }).toEqual({ name, known: true });
  });

  test('Prometheus Operator objects and dashboard ConfigMaps are off unless asked for; the sidecar label is the usual one', () => {
    const base = values('values.yaml');
    expect([base.serviceMonitor.enabled, base.prometheusRule.enabled, base.grafanaDashboards.enabled]).toEqual([false, false, false]);
    expect([base.grafanaDashboards.label, base.grafanaDashboards.labelValue]).toEqual(['grafana_dashboard', '1']);
  });

  test('the probes ask liveness to restart and readiness to route', () => {
    const deployments = readFileSync(join(chart, 'templates', 'deployments.yaml'), 'utf8');
    expect(deployments).toMatch(/startupProbe:\n\s+httpGet: \{ path: \/actuator\/health\/liveness,/);
    expect(deployments).toMatch(/livenessProbe:\n\s+httpGet: \{ path: \/actuator\/health\/liveness,/);
    expect(deployments).toMatch(/readinessProbe:\n\s+httpGet: \{ path: \/actuator\/health\/readiness,/);
  });

  test('every module runs in production mode (the common ConfigMap sets NODE_ENV)', () => {
    expect(readFileSync(join(chart, 'templates', 'configmap.yaml'), 'utf8')).toMatch(/^ {2}NODE_ENV: production$/m);
  });

  test('production takes its engines and credentials from outside; desktop runs them in the chart', () => {
    const production = values('values-production.yaml');
    expect(production.credentials.existingSecret).toBeTruthy();
    for (const engine of ['kafka', 'postgres', 'neo4j']) expect(production[engine].internal.enabled).toBe(false);
    expect(production.kafka.brokers).toMatch(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/);
    expect(production.neo4j.url).toMatch(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//);
    const desktop = values('values-desktop.yaml');
    for (const engine of ['kafka', 'postgres', 'neo4j']) expect(desktop[engine].internal.enabled).toBe(true);
  });
});
