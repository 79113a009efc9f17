/**
 * Builds the Dockerfile's six targets with `buildah bud` on locally made bases. `--layers` caches
 * every step in buildah's storage: the build stage (bun install, six compiles) runs once for the
 * first target and is reused by the other five, and by later runs until a source file changes.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { entrypoints, type Entrypoint } from '../build';
import { isolation, sh } from './buildah';

export const imageName = (target: Entrypoint) => `localhost/social-network/${target}`;

/**
 * The Dockerfile as buildah here can parse it. Debian's buildah (1.28) predates HEALTHCHECK's
 * `--start-interval` (Docker 25); only that flag is dropped, the rest is the file as shipped.
 */
export function buildahDockerfile(root: string, dir: string): string {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/ --start-interval=\S+/g, '');
  const path = join(dir, 'Dockerfile');
  writeFileSync(path, text);
  return path;
}

/** Builds one target; returns the cached layer images it reused (see pruneStaleLayers). */
export async function buildImage(root: string, dockerfile: string, target: Entrypoint, bases: { builder: string; runtime: string }): Promise<string[]> {
  const revision = (await sh(['git', 'rev-parse', 'HEAD'], { cwd: root }).catch(() => 'unknown')) || 'unknown';
  const out = await sh(
    [
      'buildah', 'bud', ...isolation, '--layers', '--force-rm', '--format', 'docker', '--pull=never', '-f', dockerfile,
      '--build-arg', `BUILDER_IMAGE=${bases.builder}`, '--build-arg', `RUNTIME_IMAGE=${bases.runtime}`,
      '--build-arg', `REVISION=${revision}`,
      '--target', target, '-t', imageName(target), root,
    ],
    { cwd: root },
  );
  return [...out.matchAll(/Using cache ([0-9a-f]{12,})/g)].map((m) => m[1]!);
}

/**
 * Every source change leaves a new build stage (about 1 GB: dependencies and six executables) in
 * buildah's storage. Removes the untagged layer images made before `since` that this run did not
 * reuse, so a long-lived CI machine keeps one generation of cache, not one per commit.
 */
export async function pruneStaleLayers(since: Date, reused: Set<string>): Promise<number> {
  const images = JSON.parse(await sh(['buildah', 'images', '--all', '--json'])) as { id: string; names: string[] | null; createdatraw: string }[];
  const stale = images.filter((i) => !i.names?.length && new Date(i.createdatraw) < since && ![...reused].some((id) => id.startsWith(i.id)));
  let removed = 0;
  for (const image of stale) {
    const proc = Bun.spawn(['buildah', 'rmi', image.id], { stdout: 'ignore', stderr: 'ignore' });
    if ((await proc.exited) === 0) removed++;
  }
  return removed;
}

export const targets: readonly Entrypoint[] = entrypoints;
