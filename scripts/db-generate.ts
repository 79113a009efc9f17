/**
 * Regenerates each module's SQL migrations from its drizzle schema.ts. The same migrations serve
 * PGlite and PostgreSQL. Usage: bun run db:generate [-- --name what_changed]
 */
const name = process.argv.includes('--name') ? process.argv[process.argv.indexOf('--name') + 1]! : 'change';
const modules = ['user', 'friend', 'recommendation'];
let failed = 0;
for (const module of modules) {
  const args = ['--bun', 'x', 'drizzle-kit', 'generate', '--dialect', 'postgresql', '--name', name,
    '--schema', `src/modules/${module}/schema.ts`, '--out', `src/modules/${module}/migrations`];
  const proc = Bun.spawnSync(['bun', ...args], { stdout: 'inherit', stderr: 'inherit' });
  console.log(`${module}: ${proc.exitCode === 0 ? 'ok' : 'FAILED'}`);
  if (proc.exitCode !== 0) failed++;
}
console.log(`${modules.length - failed} generated, ${failed} failed`);
process.exit(failed ? 1 : 0);
