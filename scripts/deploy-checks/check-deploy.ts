/**
 * `bun run check:deploy`: the deployment files, checked with real tools and no cluster or Docker
 * engine: hadolint on the Dockerfile, its build stage run on the `.dockerignore`d context, Docker
 * Compose's own validation (Compose Specification schema) of compose.yml with and without the
 * all-in-one profile, `helm lint` and `helm template` for both profiles, every rendered object
 * validated offline against the Kubernetes API schemas (oldest and newest supported version), and
 * the rendered objects' agreement with the code. A third rendering turns on the Prometheus
 * Operator objects and the dashboard ConfigMaps: those are validated with kubeconform against
 * schemas made from the operator's CRDs. promtool checks and unit-tests the alerts and parses
 * every dashboard query. Exits non-zero on any failure.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import { operatorSchemas, SCHEMA_LOCATION } from './crd-schemas';
import { dashboardRules } from './dashboards';
import { dryRunBuildStage } from './docker-context';
import { checkMonitoring, splitOperatorObjects } from './monitoring';
import { checkRendered } from './rendered';
import { tools } from './tools';

const root = join(import.meta.dir, '..', '..');
const chart = join(root, 'deploy', 'helm', 'social-network');
/** The chart's kubeVersion floor (preStop sleep needs 1.30) and the newest schemas kubernetes-validate ships. */
const kubeVersions = ['1.30.0', '1.37.0'];
/** The chart's two profiles, and production with every Prometheus Operator and Grafana object on. */
const profiles = {
  desktop: ['-f', join(chart, 'values-desktop.yaml')],
  production: ['-f', join(chart, 'values-production.yaml')],
  monitoring: ['-f', join(chart, 'values-production.yaml'), '--set', 'serviceMonitor.enabled=true,prometheusRule.enabled=true,grafanaDashboards.enabled=true'],
} as const;

async function exec(cmd: string[], cwd = root, env: Record<string, string> = {}): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, ...env } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.map((c) => c.replace(root + '/', '')).join(' ')} exited ${code}\n${out}${err}`.trim());
  return out;
}

const results: { name: string; ok: boolean; ms: number }[] = [];
async function step(name: string, work: () => Promise<string | void>): Promise<void> {
  const started = performance.now();
  try {
    const note = await work();
    results.push({ name, ok: true, ms: performance.now() - started });
    console.log(`ok    ${name}${note ? ` (${note})` : ''}  ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    results.push({ name, ok: false, ms: performance.now() - started });
    console.log(`FAIL  ${name}\n${String((error as Error).message).replace(/^/gm, '      ')}`);
  }
}

const started = performance.now();
const t = await tools((line) => console.log(`..    ${line}`));
const crdSchemas = await operatorSchemas((line) => console.log(`..    ${line}`));
const out = tempDir('sn-check-deploy-');
mkdirSync(out, { recursive: true });

const quiet = (cmd: string[], env?: Record<string, string>) => async () => void (await exec(cmd, root, env));
// compose.yml requires the operator's discovery secret; a placeholder stands in for the schema check.
const composeEnv = { DISCOVERY_TOKEN: 'check-deploy-placeholder-token-0123456789' };
await step('hadolint Dockerfile', quiet([t.hadolint, 'Dockerfile']));
await step('Dockerfile build stage on the .dockerignore context', async () => `${await dryRunBuildStage()} files in the context`);
await step('compose.yml against the Compose Specification', quiet([t.dockerCompose, '-f', 'compose.yml', 'config', '--quiet'], composeEnv));
await step('compose.yml with the all-in-one profile', quiet([t.dockerCompose, '-f', 'compose.yml', '--profile', 'all-in-one', 'config', '--quiet'], composeEnv));
await step('compose.yml refuses to start without DISCOVERY_TOKEN', async () => {
  const failed = await exec([t.dockerCompose, '-f', 'compose.yml', 'config', '--quiet'], root, { DISCOVERY_TOKEN: '' }).then(() => false, (error: Error) => error.message.includes('DISCOVERY_TOKEN'));
  if (!failed) throw new Error('docker compose config succeeded without DISCOVERY_TOKEN');
});
await step('promtool check rules (chart alerts)', quiet([t.promtool, 'check', 'rules', join(chart, 'files', 'alerts.yaml')]));
await step('promtool test rules (alerts on synthetic series)', quiet([t.promtool, 'test', 'rules', 'deploy/prometheus/alerts.test.yaml']));
await step('every dashboard query parses (promtool)', async () => {
  const { file, count } = await dashboardRules(out);
  await exec([t.promtool, 'check', 'rules', file]);
  return `${count} queries`;
});
for (const [profile, values] of Object.entries(profiles)) {
  await step(`helm lint --strict (${profile})`, quiet([t.helm, 'lint', '--strict', chart, ...values, '--kube-version', kubeVersions[0]!]));
  let rendered = '';
  await step(`helm template (${profile})`, async () => {
    rendered = await exec([t.helm, 'template', 'social-network', chart, ...values, '--kube-version', kubeVersions[0]!, '--namespace', 'social-network']);
    const { core, operator } = splitOperatorObjects(rendered);
    await Bun.write(join(out, `${profile}.yaml`), core);
    if (operator) await Bun.write(join(out, `${profile}-operator.yaml`), operator);
    return `${rendered.match(/^kind: /gm)?.length ?? 0} objects`;
  });
  if (!rendered) continue;
  for (const version of kubeVersions) {
    await step(`Kubernetes ${version} schemas, strict (${profile})`, quiet([t.kubernetesValidate, '--strict', '--quiet', '-k', version, join(out, `${profile}.yaml`)]));
  }
  if (profile === 'monitoring') {
    await step(`Prometheus Operator CRD schemas, strict (kubeconform, ${profile})`, async () => {
      const summary = await exec([t.kubeconform, '-strict', '-summary', '-schema-location', join(crdSchemas, SCHEMA_LOCATION), join(out, `${profile}-operator.yaml`)]);
      // Nothing validated is no proof: kubeconform counts what it checked.
      if (!/Valid: [1-9]/.test(summary) || /Skipped: [1-9]/.test(summary)) throw new Error(summary);
      return summary.trim().split('\n').at(-1);
    });
    await step(`operator objects and dashboards agree with the chart (${profile})`, async () => {
      const problems = checkMonitoring(rendered);
      if (problems.length) throw new Error(problems.join('\n'));
    });
  }
  await step(`rendered objects agree with the code (${profile})`, async () => {
    const problems = checkRendered(rendered, profile);
    if (problems.length) throw new Error(problems.join('\n'));
  });
}
// A key the chart made would live only in this release's namespace, while the names it protects
// live in a PostgreSQL of yours: production must name its own Secret.
await step('helm template refuses PostgreSQL outside the chart without userKeys.existingSecret', async () => {
  const refused = await exec([t.helm, 'template', 'social-network', chart, ...profiles.production, '--set', 'userKeys.existingSecret=', '--kube-version', kubeVersions[0]!]).then(
    () => false,
    (error: Error) => error.message.includes('userKeys.existingSecret is required'),
  );
  if (!refused) throw new Error('helm template rendered the production profile without userKeys.existingSecret');
});
rmSync(out, { recursive: true, force: true });

const failed = results.filter((r) => !r.ok).length;
console.log(`check:deploy: ${results.length - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
