/** The checkers themselves: they must reject what they are there to reject. */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerIgnore } from './docker-context';
import { checkRendered } from './rendered';

describe('.dockerignore as Docker reads it', () => {
  const ignored = dockerIgnore(readFileSync(join(import.meta.dir, '..', '..', '.dockerignore'), 'utf8'));

  test('lets in the lockfile, the sources and the build script only', () => {
    for (const kept of ['package.json', 'bun.lock', 'bunfig.toml', 'tsconfig.json', 'src/entrypoints/user.ts', 'src/modules/user/migrations/meta/_journal.json', 'scripts/build.ts']) {
      expect({ kept, ignored: ignored(kept) }).toEqual({ kept, ignored: false });
    }
    for (const dropped of ['node_modules/elysia/package.json', 'data/user/PG_VERSION', 'dist/user', '.infra/env', '.git/HEAD', 'scripts/generate.ts', 'src/modules/user/user.api.test.ts', 'README.md']) {
      expect({ dropped, ignored: ignored(dropped) }).toEqual({ dropped, ignored: true });
    }
  });

  test('the last matching pattern wins, and a directory pattern covers its contents', () => {
    const rules = dockerIgnore('docs\n!docs/keep.md\n*.log\n');
    expect([ignored('x'), rules('docs/a.md'), rules('docs/keep.md'), rules('a.log'), rules('src/a.log'), rules('src/a.ts')]).toEqual([true, true, false, true, false, false]);
  });
});

describe('rendered objects against the code', () => {
  const deployment = (module: string, port: number, env: object[]) => ({
    kind: 'Deployment',
    metadata: { name: `sn-${module}`, labels: { 'app.kubernetes.io/component': module } },
    spec: { template: { spec: { containers: [{
      image: `social-network/${module}:1`,
      ports: [{ containerPort: port }],
      env,
      startupProbe: { httpGet: { path: '/actuator/health/liveness' } },
      livenessProbe: { httpGet: { path: '/actuator/health/liveness' } },
      readinessProbe: { httpGet: { path: '/actuator/health/readiness' } },
    }] } } },
  });
  const service = (module: string, port: number) => ({ kind: 'Service', metadata: { name: `sn-${module}` }, spec: { ports: [{ port }] } });
  const render = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
  const ports = { discovery: 8761, user: 8081, friend: 8082, recommendation: 8083, gateway: 9000 } as Record<string, number>;
  const engines = (m: string) => [{ name: 'KAFKA_BROKERS', value: 'kafka:9092' }, { name: `${m.toUpperCase()}_DATABASE_URL`, valueFrom: { secretKeyRef: { key: `${m.toUpperCase()}_DATABASE_URL` } } }];
  const token = { name: 'DISCOVERY_TOKEN', valueFrom: { secretKeyRef: { key: 'DISCOVERY_TOKEN' } } };
  const masterKey = { name: 'PII_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'sn-user-keys', key: 'PII_MASTER_KEY' } } };
  const valid = () => Object.entries(ports).flatMap(([m, p]) => [
    deployment(m, p, [
      token,
      ...(['user', 'friend', 'recommendation'].includes(m) ? engines(m) : []),
      ...(m === 'user' ? [masterKey, { name: 'PII_PREVIOUS_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'sn-user-keys', key: 'PII_PREVIOUS_MASTER_KEY', optional: true } } }] : []),
      ...(m === 'recommendation' ? [{ name: 'NEO4J_URL', value: 'bolt://neo4j:7687' }, { name: 'NEO4J_PASSWORD', valueFrom: { secretKeyRef: { key: 'NEO4J_PASSWORD' } } }] : []),
    ]),
    service(m, p),
  ]);

  test('a consistent rendering passes', () => {
    expect(checkRendered(render(valid()), 't')).toEqual([]);
  });

  test('unknown variables, wrong ports, engine settings on the gateway and bad upstreams are reported', () => {
    const docs = valid();
    (docs[0] as any).spec.template.spec.containers[0].env.push({ name: 'DISCOVERY_PROT', value: '1' });
    (docs[2] as any).spec.template.spec.containers[0].ports[0].containerPort = 8080;
    (docs[8] as any).spec.template.spec.containers[0].env.push({ name: 'KAFKA_BROKERS', value: 'k:1' }, { name: 'GATEWAY_UPSTREAMS', value: 'user=http://nowhere:1' });
    const problems = checkRendered(render(docs), 't').join('\n');
    expect(problems).toContain('DISCOVERY_PROT');
    expect(problems).toContain('sn-user listens on 8080');
    expect(problems).toContain('sn-gateway gets engine settings');
    expect(problems).toContain('user=http://nowhere:1 matches no rendered Service');
  });

  test('a liveness or startup probe that asks readiness (the database) is reported', () => {
    const docs = valid();
    const container = (docs[2] as any).spec.template.spec.containers[0];
    container.livenessProbe.httpGet.path = '/actuator/health';
    container.startupProbe.httpGet.path = '/actuator/health/readiness';
    const problems = checkRendered(render(docs), 't').join('\n');
    expect(problems).toContain('sn-user livenessProbe is not on /actuator/health/liveness');
    expect(problems).toContain('sn-user startupProbe is not on /actuator/health/liveness');
  });

  test("the user service's master key: required on PostgreSQL, from a Secret, for the user service alone", () => {
    const docs = valid();
    const env = (i: number) => (docs[i] as any).spec.template.spec.containers[0].env as any[];
    const user = env(2);
    user.splice(user.findIndex((e) => e.name === 'PII_MASTER_KEY'), 1);
    env(4).push(masterKey);
    env(6).push({ name: 'PII_MASTER_KEY', value: Buffer.alloc(32, 9).toString('base64') });
    const problems = checkRendered(render(docs), 't').join('\n');
    expect(problems).toContain('sn-user lacks PII_MASTER_KEY');
    expect(problems).toContain('sn-friend gets PII_MASTER_KEY, which only the user service may hold');
    expect(problems).toContain('sn-recommendation gets PII_MASTER_KEY');
    expect(problems).toContain('sn-recommendation has PII_MASTER_KEY in plain text');
  });

  test('a master key Secret the chart makes must be kept when the release goes', () => {
    const secret = (annotations: object) => ({ kind: 'Secret', metadata: { name: 'sn-user-keys', annotations }, data: {} });
    expect(checkRendered(render([...valid(), secret({ 'helm.sh/resource-policy': 'keep' })]), 't')).toEqual([]);
    expect(checkRendered(render([...valid(), secret({})]), 't').join('\n')).toContain('Secret sn-user-keys (PII_MASTER_KEY) would be deleted with the release');
  });

  test('a module without DISCOVERY_TOKEN, or with it in plain text, is reported', () => {
    const docs = valid();
    const env = (i: number) => (docs[i] as any).spec.template.spec.containers[0].env as any[];
    env(2).shift();
    env(4)[0] = { name: 'DISCOVERY_TOKEN', value: 'y'.repeat(40) };
    const problems = checkRendered(render(docs), 't').join('\n');
    expect(problems).toContain('sn-user lacks DISCOVERY_TOKEN');
    expect(problems).toContain('sn-friend has DISCOVERY_TOKEN in plain text');
  });
});
