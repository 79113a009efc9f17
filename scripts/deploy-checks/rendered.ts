/**
 * What the Kubernetes schemas cannot see in the rendered chart: that it agrees with the code.
 * Returns the problems found (empty when all is well).
 */
import { loadSettings } from '../../src/entrypoints/settings';
import { configVariables, defaultPorts } from './config-variables';

type Doc = { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };
const masterKeys = ['PII_MASTER_KEY', 'PII_PREVIOUS_MASTER_KEY'];
const credentialKeys = new Set(['USER_DATABASE_URL', 'FRIEND_DATABASE_URL', 'RECOMMENDATION_DATABASE_URL', 'NEO4J_PASSWORD', 'DISCOVERY_TOKEN', ...masterKeys]);
/** What stands for a value from a Secret when the configuration is tried (two master keys must differ). */
function placeholder(name: string): string {
  if (name.endsWith('_DATABASE_URL')) return 'postgres://u@h/d';
  if (name === 'DISCOVERY_TOKEN') return 'x'.repeat(32);
  if (masterKeys.includes(name)) return Buffer.alloc(32, masterKeys.indexOf(name) + 1).toString('base64');
  return 'x';
}
const engineVariable = /^(KAFKA_|NEO4J_)|_DATABASE_URL$/;

export function checkRendered(yaml: string, profile: string): string[] {
  const docs = (Bun.YAML.parse(yaml) as (Doc | null)[]).filter((d): d is Doc => Boolean(d));
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`${profile}: ${what}`);
  const known = configVariables();
  const ports = defaultPorts();
  const configMaps = new Map(docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.metadata.name, d.data as Record<string, string>]));
  const services = new Map(docs.filter((d) => d.kind === 'Service').map((d) => [d.metadata.name, d]));
  const secrets = new Map(docs.filter((d) => d.kind === 'Secret').map((d) => [d.metadata.name, d]));

  const deployments = docs.filter((d) => d.kind === 'Deployment');
  const components = deployments.map((d) => d.metadata.labels?.['app.kubernetes.io/component']).sort();
  if (components.join() !== Object.keys(ports).sort().join()) fail(`Deployments for ${components.join(', ')}; expected one per module`);

  for (const deployment of deployments) {
    const module = deployment.metadata.labels!['app.kubernetes.io/component'] as keyof typeof ports;
    const container = deployment.spec.template.spec.containers[0];
    const where = `Deployment ${deployment.metadata.name}`;
    const env: Record<string, string | undefined> = {};
    for (const from of container.envFrom ?? []) {
      if (!from.configMapRef) continue; // an operator's own source (extraEnvFrom): nothing to read here
      const data = configMaps.get(from.configMapRef?.name);
      if (!data) fail(`${where} reads ConfigMap ${from.configMapRef?.name}, which the chart does not render`);
      Object.assign(env, data);
    }
    for (const e of container.env ?? []) {
      env[e.name] = e.value;
      const key = e.valueFrom?.secretKeyRef?.key;
      if (key && !credentialKeys.has(key)) fail(`${where} reads Secret key ${key}, which deploy/README.md does not document`);
    }
    for (const name of Object.keys(env)) if (!known.has(name)) fail(`${where} sets ${name}, which src/platform/config.ts does not read`);
    const domain = module === 'user' || module === 'friend' || module === 'recommendation';
    if (!domain && Object.keys(env).some((n) => engineVariable.test(n))) fail(`${where} gets engine settings it must not use`);
    if (domain && !(`${module.toUpperCase()}_DATABASE_URL` in env && 'KAFKA_BROKERS' in env)) fail(`${where} lacks its database or Kafka`);
    if (module === 'recommendation' && !('NEO4J_URL' in env && 'NEO4J_PASSWORD' in env)) fail(`${where} lacks Neo4j`);
    // A one-module process refuses to start without it; only a gateway with fixed upstreams needs none.
    const tokenEntry = (container.env ?? []).find((e: any) => e.name === 'DISCOVERY_TOKEN');
    if (tokenEntry && !tokenEntry.valueFrom?.secretKeyRef) fail(`${where} has DISCOVERY_TOKEN in plain text, not from a Secret`);
    if (!tokenEntry && !(module === 'gateway' && env.GATEWAY_UPSTREAMS)) fail(`${where} lacks DISCOVERY_TOKEN`);
    // The names at rest: the user service alone holds their master key, from a Secret (on
    // PostgreSQL it refuses to start without one); a Secret the chart makes must outlive the release.
    for (const e of (container.env ?? []).filter((e: any) => masterKeys.includes(e.name))) {
      if (module !== 'user') fail(`${where} gets ${e.name}, which only the user service may hold`);
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref) fail(`${where} has ${e.name} in plain text, not from a Secret`);
      const made = ref && secrets.get(ref.name);
      if (made && made.metadata.annotations?.['helm.sh/resource-policy'] !== 'keep') fail(`Secret ${ref.name} (${e.name}) would be deleted with the release, and every name with it`);
    }
    if (module === 'user' && 'USER_DATABASE_URL' in env && !('PII_MASTER_KEY' in env)) fail(`${where} lacks PII_MASTER_KEY, without which a user service on PostgreSQL refuses to start`);

    const port = container.ports?.[0]?.containerPort;
    if (port !== ports[module]) fail(`${where} listens on ${port}, the code on ${ports[module]}`);
    const portVariable = env[`${module.toUpperCase()}_PORT`];
    if (portVariable !== undefined && Number(portVariable) !== port) fail(`${where}: ${module.toUpperCase()}_PORT=${portVariable} but containerPort ${port}`);
    // A restart never waits on a dependency: liveness must not fail because the database is down.
    const probePaths = { startupProbe: '/actuator/health/liveness', livenessProbe: '/actuator/health/liveness', readinessProbe: '/actuator/health/readiness' };
    for (const [probe, path] of Object.entries(probePaths)) {
      if (container[probe]?.httpGet?.path !== path) fail(`${where} ${probe} is not on ${path}`);
    }
    if (!String(container.image).match(new RegExp(`/${module}:[^/]+$`))) fail(`${where} runs image ${container.image}, not the ${module} target`);
    const service = services.get(deployment.metadata.name);
    if (service?.spec.ports[0].port !== port) fail(`Service ${deployment.metadata.name} does not expose port ${port}`);

    // Everything the configuration would refuse at start-up, refused here instead.
    try {
      loadSettings(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v ?? placeholder(k)])));
    } catch (error) {
      fail(`${where}: the configuration would refuse to start: ${(error as Error).message}`);
    }
    const upstreams = env.GATEWAY_UPSTREAMS ? loadSettings({ GATEWAY_UPSTREAMS: env.GATEWAY_UPSTREAMS }).gateway.upstreams! : {};
    for (const [name, origin] of Object.entries(upstreams)) {
      const url = new URL(origin);
      const target = services.get(url.hostname);
      if (!target || String(target.spec.ports[0].port) !== url.port) fail(`GATEWAY_UPSTREAMS ${name}=${origin} matches no rendered Service`);
    }
  }
  return problems;
}
