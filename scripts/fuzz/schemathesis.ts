/**
 * schemathesis, pinned, installed once from PyPI into a virtualenv outside the work tree (CI
 * clones afresh each run; the cache survives on the machine). A marker file is written last, so an
 * install that was interrupted is redone rather than trusted.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SCHEMATHESIS_VERSION = '4.32.5';

const cache = process.env.FUZZ_TOOLS_DIR ?? join(homedir(), '.cache', 'social-network-fuzz-tools');

async function run(what: string, cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${cmd.join(' ')}\n${out}${err}`);
}

/** Path of the `schemathesis` executable, installing it first if needed. */
export async function schemathesis(log: (line: string) => void = console.log): Promise<string> {
  const venv = join(cache, `venv-schemathesis-${SCHEMATHESIS_VERSION}`);
  const bin = join(venv, 'bin', 'schemathesis');
  const ready = join(venv, '.complete');
  if (existsSync(ready) && existsSync(bin)) return bin;
  const python = Bun.which('python3');
  if (!python) throw new Error('python3 (3.9 or later) is needed to install schemathesis from PyPI');
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} (once, about a minute)`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  await run('python3 -m venv', [python, '-m', 'venv', venv]);
  await run('pip install', [join(venv, 'bin', 'pip'), 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  await Bun.write(ready, new Date().toISOString());
  return bin;
}
