/**
 * compose.yml, the Dockerfile and the Prometheus targets agree with the code: one image target per
 * entrypoint, the ports the modules really listen on, only variables that src/platform/config.ts
 * reads, and engine addresses that point at services that exist. (The Compose schema itself is
 * checked by `bun run check:deploy`, with Docker Compose's own validator.)
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readUserSettings } from '../../src/modules/user/settings';
import { tempDir } from '../../test/kits/processes';
import { entrypoints } from '../build';
import { configVariables, defaultPorts } from './config-variables';

const root = join(import.meta.dir, '..', '..');
const compose = Bun.YAML.parse(readFileSync(join(root, 'compose.yml'), 'utf8')) as any;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const prometheus = Bun.YAML.parse(readFileSync(join(root, 'deploy/prometheus/prometheus-compose.yml'), 'utf8')) as any;
const known = configVariables();
const ports = defaultPorts();
const modules = ['discovery', 'user', 'friend', 'recommendation', 'gateway'] as const;
const domain = ['user', 'friend', 'recommendation'] as const;
const services = compose.services as Record<string, any>;

/** `${NAME:-default}` as Compose resolves it with nothing set. */
const resolved = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const env = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([k, v]) => [k, resolved(String(v))]));

/** The Dockerfile's stage `name`: its lines up to the next FROM. */
function stage(name: string): string {
  const match = new RegExp(`^FROM runtime AS ${name}\\n([\\s\\S]*?)(?=^FROM |(?![\\s\\S]))`, 'm').exec(dockerfile);
  if (!match) throw new Error(`Dockerfile has no stage "FROM runtime AS ${name}"`);
  return match[1]!;
}

describe('Dockerfile', () => {
  test.each([...entrypoints])('target %s ships its own executable and exposes its ports', (name) => {
    const body = stage(name);
    expect(body).toContain(`COPY --from=build /out/${name} /app/service`);
    const exposed = /^EXPOSE (.+)$/m.exec(body)?.[1]?.split(/\s+/).map(Number).sort();
    const expected = name === 'all-in-one' ? Object.values(ports) : [ports[name as keyof typeof ports]];
    expect(exposed).toEqual([...expected].sort());
  });

  test('the runtime runs as non-root, checks its health with the executable, stops on SIGTERM', () => {
    const runtime = /^FROM \S+ AS runtime\n([\s\S]*?)^FROM /m.exec(dockerfile)![1]!;
    expect(runtime).toMatch(/^USER 65532:65532$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["\/app\/service", "--health"\]$/m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/app\/service"\]$/m);
    for (const label of ['source', 'version', 'revision', 'created']) expect(runtime).toContain(`org.opencontainers.image.${label}=`);
    for (const name of entrypoints) expect(stage(name)).toContain('org.opencontainers.image.title=');
  });

  test('the runtime runs in production mode', () => {
    const runtime = /^FROM \S+ AS runtime\n([\s\S]*?)^FROM /m.exec(dockerfile)![1]!;
    expect(runtime).toMatch(/^ENV .*\bNODE_ENV=production\b/m);
  });

  test('the build stage installs from the lockfile and runs the same build script as `bun run build`', () => {
    expect(dockerfile).toMatch(/^RUN bun install --frozen-lockfile/m);
    expect(dockerfile).toContain('bun scripts/build.ts --outdir /out');
  });
});

describe('compose.yml', () => {
  test.each([...entrypoints])('service %s is built from its own Dockerfile target', (name) => {
    expect(services[name].build).toEqual({ context: '.', target: name });
    expect(services[name].image).toBe(`social-network/${name}:\${TAG:-latest}`);
  });

  test('modules set only variables the configuration reads, and no port other than their default', () => {
    for (const name of [...modules, 'all-in-one']) {
      for (const variable of Object.keys(env(name))) expect({ service: name, variable, known: known.has(variable) }).toEqual({ service: name, variable, known: true });
    }
    for (const name of modules) {
      const portVariable = `${name.toUpperCase()}_PORT`;
      if (env(name)[portVariable]) expect(Number(env(name)[portVariable])).toBe(ports[name]);
    }
  });

  test('every module and the all-in-one run in production mode', () => {
    for (const name of [...modules, 'all-in-one']) expect({ service: name, NODE_ENV: env(name).NODE_ENV }).toEqual({ service: name, NODE_ENV: 'production' });
  });

  test('registered modules advertise their service name and find discovery where it listens', () => {
    for (const name of domain) {
      expect(env(name).ADVERTISED_HOST).toBe(name);
      expect(env(name).DISCOVERY_URL).toBe(`http://discovery:${ports.discovery}`);
    }
    expect(env('gateway').DISCOVERY_URL).toBe(`http://discovery:${ports.discovery}`);
  });

  test('every module but the all-in-one takes DISCOVERY_TOKEN from the operator, and Compose refuses to start without it', () => {
    for (const name of modules) expect(services[name].environment.DISCOVERY_TOKEN).toMatch(/^\$\{DISCOVERY_TOKEN:\?.*openssl rand -hex 32.*\}$/);
    // The all-in-one makes one up per start: its discovery's callers are all in its own process.
    expect(services['all-in-one'].environment.DISCOVERY_TOKEN).toBeUndefined();
  });

  test('only the gateway (or the all-in-one) is published, on its real port', () => {
    for (const name of [...modules, 'all-in-one']) {
      const published = (services[name].ports ?? []).map((p: string) => resolved(p));
      if (name === 'gateway' || name === 'all-in-one') expect(published).toEqual([`9000:${ports.gateway}`]);
      else expect(published).toEqual([]);
    }
  });

  test('domain modules reach their own PostgreSQL, Kafka and (recommendation) Neo4j services', () => {
    const kafkaListener = /PLAINTEXT:\/\/(\w+):(\d+)/.exec(services.kafka.environment.KAFKA_ADVERTISED_LISTENERS)!;
    for (const name of domain) {
      const e = env(name);
      expect(e.KAFKA_BROKERS).toBe(`${kafkaListener[1]}:${kafkaListener[2]}`);
      const db = new URL(e[`${name.toUpperCase()}_DATABASE_URL`]!);
      const postgres = services[db.hostname];
      expect(postgres?.image).toMatch(/^postgres:/);
      expect(db.pathname.slice(1)).toBe(postgres.environment.POSTGRES_DB);
      expect(decodeURIComponent(db.username)).toBe(postgres.environment.POSTGRES_USER);
      expect(decodeURIComponent(db.password)).toBe(resolved(postgres.environment.POSTGRES_PASSWORD));
      for (const other of domain) if (other !== name) expect(e[`${other.toUpperCase()}_DATABASE_URL`]).toBeUndefined();
    }
    const neo4j = new URL(env('recommendation').NEO4J_URL!);
    expect(services[neo4j.hostname]?.image).toMatch(/^neo4j:5/);
    expect(`neo4j/${env('recommendation').NEO4J_PASSWORD}`).toBe(resolved(services.neo4j.environment.NEO4J_AUTH));
  });

  test('the gateway and discovery get no engine settings; the all-in-one runs on embedded defaults only', () => {
    const engines = /^(KAFKA_|NEO4J_)|_DATABASE_URL$/;
    for (const name of ['gateway', 'discovery', 'all-in-one']) expect(Object.keys(env(name)).filter((k) => engines.test(k))).toEqual([]);
    expect(services['all-in-one'].profiles).toEqual(['all-in-one']);
    expect(services['all-in-one'].volumes).toEqual(['all-in-one-data:/data']);
  });

  test('the user service, and it alone, gets its master key: the file user-key writes, on a volume it mounts read-only', () => {
    const path = env('user').PII_MASTER_KEY_FILE!;
    const directory = path.slice(0, path.lastIndexOf('/'));
    const volume = (service: string, mode: string) => (services[service].volumes ?? []).map(String).find((v: string) => v.endsWith(`:${directory}${mode}`))?.split(':')[0];
    expect(volume('user', ':ro')).toBe('user-keys');
    expect(volume('user-key', '')).toBe('user-keys');
    expect(Object.keys(compose.volumes)).toContain('user-keys');
    expect(services['user-key'].working_dir).toBe(directory);
    expect(services['user-key'].restart).toBe('no');
    expect(services.user.depends_on['user-key']).toEqual({ condition: 'service_completed_successfully' });
    // The key itself is in no service's environment; only the rotation's retired key may pass through.
    expect(env('user').PII_MASTER_KEY).toBeUndefined();
    expect(services.user.environment.PII_PREVIOUS_MASTER_KEY).toBe('${PII_PREVIOUS_MASTER_KEY:-}');
    for (const name of Object.keys(services).filter((s) => s !== 'user')) {
      expect({ service: name, pii: Object.keys(env(name)).filter((k) => k.startsWith('PII_')) }).toEqual({ service: name, pii: [] });
    }
  });

  // It chowns the key to the user service's uid, which only root may do (as in the container).
  test.skipIf(process.getuid?.() !== 0)('user-key makes a key the user service accepts, readable by it alone, once: a second run keeps it', async () => {
    const service = services['user-key'];
    const dir = tempDir('sn-user-key-');
    try {
      const run = async () => {
        const proc = Bun.spawn([...service.entrypoint, ...service.command], { cwd: dir, stdout: 'pipe', stderr: 'pipe' });
        const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
        // Nothing printed: the key must not end up in `docker compose logs`.
        expect({ code, out, err }).toEqual({ code: 0, out: '', err: '' });
      };
      await run();
      const file = join(dir, 'pii-master-key');
      const first = readFileSync(file, 'utf8');
      expect(readUserSettings({ PII_MASTER_KEY_FILE: file }).masterKey).toBe(first.trim());
      const stat = statSync(file);
      expect({ mode: stat.mode & 0o777, uid: stat.uid, gid: stat.gid }).toEqual({ mode: 0o400, uid: 65532, gid: 65532 });
      await run();
      expect(readFileSync(file, 'utf8')).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every dependency exists, and waits for health only where there is a health check', () => {
    const imageHealthcheck = new Set<string>(entrypoints); // HEALTHCHECK in the Dockerfile's runtime stage
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {}) as [string, { condition: string }][]) {
        expect(services[dependency]).toBeDefined();
        if (condition === 'service_healthy') expect({ name, dependency, checked: Boolean(services[dependency].healthcheck) || imageHealthcheck.has(dependency) }).toEqual({ name, dependency, checked: true });
      }
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (!source.startsWith('.')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  test('Prometheus (the file compose.yml mounts) scrapes every module service, and the all-in-one, on the real ports', () => {
    expect(services.prometheus.volumes).toContain('./deploy/prometheus/prometheus-compose.yml:/etc/prometheus/prometheus.yml:ro');
    const job = (name: string) => prometheus.scrape_configs.find((j: any) => j.job_name === name);
    const discovered = job('social-network').dns_sd_configs.map((c: any) => [c.names[0], c.port]);
    expect(Object.fromEntries(discovered)).toEqual(ports);
    for (const name of Object.keys(ports)) expect(services[name]).toBeDefined();
    const allInOne = job('social-network-all-in-one').static_configs.map((c: any) => [c.labels.service, c.targets[0]]);
    expect(Object.fromEntries(allInOne)).toEqual(Object.fromEntries(modules.map((m) => [m, `all-in-one:${ports[m]}`])));
  });
});
