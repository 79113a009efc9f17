// `bun run infra:up [-- postgres|kafka|neo4j ...]`: installs what is missing and starts, on
// 127.0.0.1, whichever of the engines is down; waits until each answers a real request; writes
// the connection settings to .infra/env. Running it when everything is up only reports.
//
// Installs run one after another (two Maven runs sharing ~/.m2 can corrupt it) while the engines
// already started warm up in the background; the waits then run side by side.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { main, selected, usage } from './cli.ts';
import type { Component } from './component.ts';
import { cmdline, elapsed, ensureDir, InfraError, listenerPid, pidFile, say, withLock, writeIfChanged } from './lib.ts';
import { connectionEnv, ENV_FILE, envFileText, INFRA, REPO, TIMEOUTS } from './settings.ts';

type Launched = 'running' | 'started' | 'foreign';
interface Outcome { c: Component; ok: boolean; note: string; pid?: number }

const components = selected(process.argv.slice(2), usage('up', 'Installs what is missing, starts what is down, waits until each answers.'));

/** Starts the component unless it (or a compatible server on its port) is already there. */
async function launch(c: Component): Promise<Launched> {
  const r = c.running();
  const stale = r && c.outdated?.();
  if (stale) {
    say(c.name, `restarting pid ${r.pid} to apply the current settings: ${stale}`);
    say(c.name, await c.stop());
  } else if (r) {
    say(c.name, `already running (pid ${r.pid})`);
    return 'running';
  }
  const holder = listenerPid(c.port);
  if (holder !== undefined) {
    if (holder > 0 && c.ownsPid(holder)) {
      // Ours, but its pid file is gone (e.g. .infra/*.pid deleted): adopt it again.
      writeFileSync(pidFile(c.name), `${holder}\n`);
      say(c.name, `already running (pid ${holder}, pid file restored)`);
      return 'running';
    }
    const who = holder > 0 ? `pid ${holder}: ${cmdline(holder).slice(0, 160)}` : 'a process we cannot see';
    if ((await c.probe()) === true) {
      say(c.name, `WARNING: ${c.endpoint} already answers, served by ${who}; not started by this checkout, using it as is`);
      return 'foreign';
    }
    throw new InfraError(`${c.name}: port ${c.port} is taken by ${who}; stop that or free the port`);
  }
  const t0 = Date.now();
  await c.prepare();
  await c.start();
  say(c.name, `prepared and launched in ${elapsed(t0)}`);
  return 'started';
}

async function finish(c: Component, launched: Launched, t0: number): Promise<Outcome> {
  if (launched !== 'foreign') {
    if (launched === 'started') say(c.name, `waiting for ${c.endpoint} (up to ${c.readyTimeoutS}s)`);
    await c.ready(c.readyTimeoutS);
  }
  const note = launched === 'started' ? `started, ready in ${elapsed(t0)}` : launched === 'running' ? 'was already up' : 'foreign server, used as is';
  say(c.name, `ready (${note})`);
  return { c, ok: true, note, pid: c.running()?.pid };
}

await main(() => withLock(TIMEOUTS.lock, async () => {
  const t0 = Date.now();
  ensureDir(INFRA);
  const pending: Promise<Outcome>[] = [];
  for (const c of components) {
    const started = Date.now();
    const fail = (e: unknown): Outcome => ({ c, ok: false, note: e instanceof InfraError ? e.message : String(e instanceof Error ? e.stack : e) });
    try {
      const launched = await launch(c);
      pending.push(finish(c, launched, started).catch(fail));
    } catch (e) {
      pending.push(Promise.resolve(fail(e)));
    }
  }
  const outcomes = await Promise.all(pending);

  const env = connectionEnv();
  writeIfChanged(ENV_FILE, envFileText(env));
  const failed = outcomes.filter((o) => !o.ok);
  console.log(`\ninfra:up ${failed.length ? 'FAILED' : 'done'} in ${elapsed(t0)}`);
  for (const o of outcomes) {
    const v = await o.c.version();
    const state = o.ok ? `up   ${o.pid ? `pid ${o.pid}` : ''}`.padEnd(16) : 'FAILED'.padEnd(16);
    console.log(`  ${o.c.name.padEnd(9)}${state}${o.c.endpoint.padEnd(18)}${v.padEnd(34)}log ${relative(REPO, o.c.log)}`);
  }
  for (const o of failed) console.error(`\nerror: ${o.note}`);
  console.log(`\nconnection settings (in ${relative(REPO, ENV_FILE)}; load them with \`. ${relative(REPO, ENV_FILE)}\`):`);
  for (const [k, v] of Object.entries(env)) console.log(`  ${k}=${v}`);
  return failed.length ? 1 : 0;
}));
