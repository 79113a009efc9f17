/**
 * `bun run test:faults [-- <bun test options>]`: the fault-injection suite, every
 * `test/faults/*.faults.ts`, against the real engines (`bun run infra:up`, then `. .infra/env`).
 *
 * The files are named so that `bun test` alone never picks them up: they kill processes, stop
 * and start the engines, and take minutes. Bun runs a file of any name when given its `./` path,
 * which is what this does. Without the engines' settings it stops at once with an error: a suite
 * that exists to exercise the engines must not pass by skipping.
 */
import { join } from 'node:path';
import { missingEngineVariables } from '../test/harness/distributed';

const root = join(import.meta.dir, '..');
const missing = missingEngineVariables();
if (missing.length > 0) {
  console.error(`test:faults runs on the real engines, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set: run \`bun run infra:up\` and \`. .infra/env\` first.`);
  process.exit(2);
}
const files = [...new Bun.Glob('test/faults/*.faults.ts').scanSync({ cwd: root })].sort().map((f) => `./${f}`);
if (files.length === 0) {
  console.error('test:faults: no test/faults/*.faults.ts found');
  process.exit(2);
}

const started = performance.now();
// Each scenario bounds its own waits; this only stops a test that hangs outright.
const proc = Bun.spawn(['bun', 'test', '--timeout', '300000', ...files, ...process.argv.slice(2)], { cwd: root, stdio: ['inherit', 'inherit', 'inherit'] });
const code = await proc.exited;
console.log(`test:faults: ${files.length} files in ${Math.round((performance.now() - started) / 1000)} s, exit ${code}`);
process.exit(code);
