// The README's configuration table against the code: every variable the settings read is listed,
// and every variable listed is read, so the table cannot drift from what a process accepts.
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configVariables, RUNTIME_VARIABLES } from './config-variables';

function tableVariables(): Set<string> {
  const readme = readFileSync(join(import.meta.dir, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const listed = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    for (const [, name] of row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) listed.add(name!);
  }
  return listed;
}

test("the README's configuration table lists exactly the variables the settings read", () => {
  const listed = tableVariables();
  const read = [...configVariables()].filter((name) => !(RUNTIME_VARIABLES as readonly string[]).includes(name));
  expect(read.filter((name) => !listed.has(name))).toEqual([]);
  expect([...listed].filter((name) => !read.includes(name))).toEqual([]);
  expect(listed.size).toBeGreaterThan(40);
});
