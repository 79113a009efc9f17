/**
 * The k6 scripts cannot run here (k6 is not installed), so they are type-checked against @types/k6
 * instead: a misspelt option, a wrong executor field or a k6 call with the wrong arguments fails CI.
 * The check itself must be able to fail: a copy of the scripts with one deliberate mistake is
 * rejected, naming the file. (It runs the compiler, about a second.)
 */
import { afterAll, expect, test } from 'bun:test';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';

const root = join(import.meta.dir, '..', '..');
const k6Dir = join(root, 'deploy', 'k6');
const tsc = join(root, 'node_modules', 'tsc7', 'bin', 'tsc');

async function typecheck(project: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn([tsc, '-p', project], { cwd: root, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: out + err };
}

/** deploy/k6 copied next to a node_modules link, so the copy resolves 'k6/http' like the original. */
function copyOfScripts(): string {
  const dir = tempDir('k6-scripts-');
  cpSync(k6Dir, dir, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('the k6 scripts type-check against @types/k6', async () => {
  expect(await typecheck(join(k6Dir, 'tsconfig.json'))).toEqual({ code: 0, output: '' });
}, 60_000);

const broken = (source: string) => () => `// @ts-check\n${source}\n`;
test.each([
  // The shared options, as the scripts build them: a misspelt executor is not a k6 scenario.
  ['lib.js', 'a misspelt executor', (lib: string) => lib.replace("'constant-arrival-rate'", "'constant-arrival-rat'")],
  ['broken.js', 'a k6 call with a wrong argument', broken("import http from 'k6/http';\nexport default function () { http.get(42); }")],
  ['broken.js', 'a shared helper called wrongly', broken("import { addFriend } from './lib.js';\nexport default function () { addFriend('1'); }")],
])('%s with %s is rejected', async (file, _what, edit) => {
  const dir = copyOfScripts();
  copies.push(dir);
  const path = join(dir, file);
  const before = file === 'broken.js' ? '' : readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  const result = await typecheck(join(dir, 'tsconfig.json'));
  expect(result.code).not.toBe(0);
  expect(result.output).toContain(file);
}, 60_000);
