// `bun run infra:status [-- postgres|kafka|neo4j ...]`: what runs, and whether it answers a real
// request. Exit code 0 when every engine asked about is up, 3 otherwise (as `pg_ctl status`).
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { main, selected, usage } from './cli.ts';
import type { Component } from './component.ts';
import { cmdline, listenerPid } from './lib.ts';
import { ENV_FILE, REPO } from './settings.ts';

const components = selected(process.argv.slice(2), usage('status', 'Prints which engines run and answer; exit code 0 if all asked about are up, 3 if not.'));

async function report(c: Component): Promise<{ line: string; up: boolean }> {
  const r = c.running();
  const [answer, version] = await Promise.all([c.probe(), c.version()]);
  let state: string;
  let detail = '';
  if (r) {
    state = answer === true ? 'up' : 'running, not answering';
    detail = `pid ${r.pid}`;
    if (answer !== true) detail += ` (${answer}; read ${relative(REPO, c.log)})`;
  } else {
    const holder = listenerPid(c.port);
    if (holder === undefined) state = 'down';
    else if (holder > 0 && c.ownsPid(holder)) {
      state = answer === true ? 'up' : 'running, not answering';
      detail = `pid ${holder} (its pid file is missing; infra:up restores it)`;
    } else {
      state = answer === true ? 'up (foreign)' : 'port taken';
      detail = holder > 0 ? `pid ${holder}: ${cmdline(holder).slice(0, 100)}` : 'by a process we cannot see';
    }
  }
  return { line: `  ${c.name.padEnd(9)}${state.padEnd(24)}${c.endpoint.padEnd(18)}${version.padEnd(34)}${detail}`, up: answer === true };
}

await main(async () => {
  const results = await Promise.all(components.map(report));
  for (const r of results) console.log(r.line);
  if (existsSync(ENV_FILE)) console.log(`connection settings: ${relative(REPO, ENV_FILE)} (load with \`. ${relative(REPO, ENV_FILE)}\`)`);
  return results.every((r) => r.up) ? 0 : 3;
});
