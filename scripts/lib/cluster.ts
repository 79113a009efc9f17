/**
 * Starts modules as separate processes (`src/entrypoints/<module>.ts`), as they run in
 * production, each with its own port and log file. Used by `bun run distributed` and the
 * distributed end-to-end tests.
 */
import type { Subprocess } from 'bun';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { entrypointFile, spawnLogged, stopGracefully, waitHealthy } from '../../test/kits/processes';

export type ModuleName = 'discovery' | 'user' | 'friend' | 'recommendation' | 'gateway';
export const startOrder: ModuleName[] = ['discovery', 'user', 'friend', 'recommendation', 'gateway'];

export interface InstanceSpec {
  /** e.g. `friend-2` */
  name: string;
  module: ModuleName;
  port: number;
}

export interface Instance extends InstanceSpec {
  proc: Subprocess;
  logFile: string;
}

const portVariable: Record<ModuleName, string> = {
  discovery: 'DISCOVERY_PORT',
  user: 'USER_PORT',
  friend: 'FRIEND_PORT',
  recommendation: 'RECOMMENDATION_PORT',
  gateway: 'GATEWAY_PORT',
};

/** Instances of each module on consecutive ports from `basePorts` (8082, 8092, 8102, ...). */
export function planInstances(counts: Record<ModuleName, number>, basePorts: Record<ModuleName, number>): InstanceSpec[] {
  return startOrder.flatMap((module) =>
    Array.from({ length: counts[module] }, (_, i) => ({ name: counts[module] > 1 ? `${module}-${i + 1}` : module, module, port: basePorts[module] + i * 10 })),
  );
}

/** A fresh discovery secret for one cluster; every process of it must get the same one. */
export const newDiscoveryToken = (): string => randomBytes(32).toString('hex');

/** Used when the caller's environment has none: the instances this process starts share it. */
const ownToken = newDiscoveryToken();

export function startInstance(spec: InstanceSpec, env: Record<string, string>, logDir: string): Instance {
  const logFile = join(logDir, `${spec.name}.log`);
  const proc = spawnLogged([entrypointFile(spec.module)], { DISCOVERY_TOKEN: ownToken, ...process.env, ...env, [portVariable[spec.module]]: String(spec.port) }, logFile);
  return { ...spec, proc, logFile };
}

/** Waits until `url` answers 200, or fails naming the instance and its log. */
export const waitInstanceHealthy = (instance: Instance, url: string, timeoutMs = 60_000): Promise<void> =>
  waitHealthy(url, instance.proc, `${instance.name} (log: ${instance.logFile})`, timeoutMs);

/** Stops the instances, the last started first; SIGKILL for any still running after `graceMs`. */
export async function stopInstances(instances: Instance[], graceMs = 10_000): Promise<void> {
  await Promise.all([...instances].reverse().map((instance) => stopGracefully(instance.proc, graceMs)));
}
