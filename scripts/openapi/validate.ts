import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the OpenAPI validator from PyPI (openapi-spec-validator) on documents. It is a real,
 * independent reading of the specification: our own tests only check what we thought of.
 * Installed on first use (see validatorPython), so CI on a fresh machine needs only python3 and pip.
 *
 *   bun scripts/openapi/validate.ts [--verbose]   validates every served document, exit 1 on any error
 */
const VENV = join(tmpdir(), 'social-network-openapi-venv');
const PACKAGE = 'openapi-spec-validator==0.9.0';

const run = (cmd: string[]) => {
  try {
    const p = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' });
    return { ok: p.exitCode === 0, out: `${p.stdout.toString()}${p.stderr.toString()}` };
  } catch (error) {
    return { ok: false, out: String(error) };
  }
};

/**
 * The python that has the validator, installing it if needed: into a virtualenv of its own, or,
 * where `venv` is missing (Debian without python3-venv), for the user. Undefined, with the reason,
 * when it cannot be had. Idempotent: a second call finds what the first installed.
 */
export function validatorPython(): { python: string } | { unavailable: string } {
  // 0.9 has `--validation-errors all`; an older one found on the machine is passed over.
  const usable = (python: string) => run([python, '-m', 'openapi_spec_validator', '--help']).out.includes('--validation-errors');
  const python = join(VENV, 'bin', 'python');
  if (usable('python3')) return { python: 'python3' };
  if (usable(python)) return { python };
  if (!run(['python3', '--version']).ok) return { unavailable: 'python3 is not installed' };
  const attempts: string[] = [];
  const venv = run(['python3', '-m', 'venv', VENV]);
  if (venv.ok) {
    const pip = run([python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', PACKAGE]);
    if (pip.ok && usable(python)) return { python };
    attempts.push(`pip in a virtualenv: ${pip.out.trim()}`);
  } else attempts.push(`python3 -m venv: ${venv.out.trim()}`);
  const user = ['python3', '-m', 'pip', 'install', '--user', '--quiet', '--disable-pip-version-check', PACKAGE];
  // A Python whose packages the OS manages (PEP 668) refuses --user installs unless told.
  for (const command of [user, [...user, '--break-system-packages']]) {
    const pip = run(command);
    if (pip.ok && usable('python3')) return { python: 'python3' };
    attempts.push(`${command.slice(3).join(' ')}: ${pip.out.trim()}`);
  }
  return { unavailable: `could not install ${PACKAGE} (${attempts.join('; ')})` };
}

/** Validates each document; returns the validator's output per name, empty for a valid document. */
export async function validateDocs(python: string, docs: Record<string, unknown>): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-docs-'));
  try {
    const results: Record<string, string> = {};
    for (const [name, doc] of Object.entries(docs)) {
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(doc, null, 2));
      // Every error, not only the first.
      const result = run([python, '-m', 'openapi_spec_validator', '--validation-errors', 'all', file]);
      results[name] = result.ok ? '' : result.out.trim();
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { servedDocs } = await import('./served-docs');
  const found = validatorPython();
  if ('unavailable' in found) {
    console.error(`cannot validate: ${found.unavailable}`);
    process.exit(2);
  }
  const { docs, close } = await servedDocs();
  const results = await validateDocs(found.python, docs);
  await close();
  let failed = 0;
  for (const [name, out] of Object.entries(results)) {
    const errors = out ? (out.match(/Validation Error: \[\d+\]/g)?.length ?? 1) : 0;
    console.log(`${name}: ${errors ? `${errors} errors` : 'valid'}`);
    if (out && process.argv.includes('--verbose')) console.log(out);
    failed += errors ? 1 : 0;
  }
  process.exit(failed ? 1 : 0);
}
