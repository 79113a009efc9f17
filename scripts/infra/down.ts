// `bun run infra:down [-- postgres|kafka|neo4j ...]`: stops the engines cleanly, side by side.
// Kafka and Neo4j get SIGTERM (controlled shutdown) and a bounded wait before SIGKILL; PostgreSQL
// gets `pg_ctl stop -m fast`. A server of ours whose pid file was lost is found by its port.
import { rmSync } from 'node:fs';
import { main, selected, usage } from './cli.ts';
import type { Component } from './component.ts';
import { elapsed, listenerPid, pidFile, say, terminate, withLock } from './lib.ts';
import { TIMEOUTS } from './settings.ts';

const components = selected(process.argv.slice(2), usage('down', 'Stops the engines cleanly (SIGTERM, or pg_ctl stop -m fast), each within a bounded wait.'));

async function stop(c: Component): Promise<boolean> {
  const t0 = Date.now();
  let note: string;
  if (c.running()) {
    note = await c.stop();
  } else {
    const orphan = listenerPid(c.port);
    if (orphan !== undefined && orphan > 0 && c.ownsPid(orphan)) {
      // PostgreSQL treats SIGINT as "fast" shutdown; SIGTERM would wait for clients to leave.
      const how = await terminate(orphan, TIMEOUTS.stop, c.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
      note = `${how} (pid ${orphan}, found by its port: its pid file was gone)`;
    } else {
      note = 'not running';
    }
    rmSync(pidFile(c.name), { force: true });
  }
  const failed = note.startsWith('FAILED');
  say(c.name, `${note}${note === 'not running' ? '' : ` in ${elapsed(t0)}`}`);
  return !failed;
}

await main(() => withLock(TIMEOUTS.lock, async () => {
  const results = await Promise.all(components.map(stop));
  return results.every(Boolean) ? 0 : 1;
}));
