/**
 * `bun run check:images`: builds every image of the Dockerfile without a Docker engine and runs
 * them. buildah (chroot isolation) builds on bases made here by mmdebstrap (bases.ts), as the
 * public registries may be out of reach; then each image's executable runs in its own root file
 * system on the host network and the system is driven through the gateway: the all-in-one image
 * alone, then the five distributed images on the engines of `bun run infra:up` (.infra/env).
 * Ends with a table of image sizes and times; exits non-zero on any failure. Needs root (buildah
 * chroot, mmdebstrap), and installs both with apt when missing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import type { Entrypoint } from '../build';
import { ensureBase } from './bases';
import { compressedBytes, ensureTools, imageSize } from './buildah';
import { buildahDockerfile, buildImage, imageName, pruneStaleLayers, targets } from './build-images';
import { stopLive } from './drive';
import { allInOne, distributedImages, distributedModules } from './scenarios';

const root = join(import.meta.dir, '..', '..');
const work = tempDir('sn-check-images-');
const logDir = join(work, 'logs');
mkdirSync(logDir, { recursive: true });
const started = performance.now();
const results: { name: string; ok: boolean; s: number; note?: string }[] = [];
const log = (line: string) => console.log(`..    ${line}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stopLive().finally(() => process.exit(130)));
}

async function step<T>(name: string, work: () => Promise<T>, note?: (value: T) => string): Promise<T | undefined> {
  const t = performance.now();
  try {
    const value = await work();
    const s = (performance.now() - t) / 1000;
    results.push({ name, ok: true, s, note: note?.(value) });
    console.log(`ok    ${name}${note ? ` (${note(value)})` : ''}  ${s.toFixed(1)} s`);
    return value;
  } catch (error) {
    results.push({ name, ok: false, s: (performance.now() - t) / 1000 });
    console.log(`FAIL  ${name}\n${String((error as Error).message).replace(/^/gm, '      ')}`);
    return undefined;
  }
}


await step('buildah and mmdebstrap', () => ensureTools(log));
const bases = await step('base images (mmdebstrap, cached in buildah storage)', async () => {
  const [builder, runtime] = await Promise.all([ensureBase('builder', log), ensureBase('runtime', log)]);
  return { builder, runtime };
}, (b) => `${b.builder.made || b.runtime.made ? 'made' : 'reused'}: ${b.builder.name}, ${b.runtime.name}`);

const built: Entrypoint[] = [];
const reused = new Set<string>();
const buildStarted = new Date();
if (bases) {
  const dockerfile = buildahDockerfile(root, work);
  const names = { builder: bases.builder.name, runtime: bases.runtime.name };
  // One at a time: the first target runs the shared build stage, the others reuse its layers.
  for (const target of targets) {
    const cached = await step(`build ${imageName(target)}`, () => buildImage(root, dockerfile, target, names), (ids) => `${ids.length} cached steps`);
    if (!cached) continue;
    built.push(target);
    cached.forEach((id) => reused.add(id));
  }
}
if (built.length === targets.length) await step('prune layer caches this build did not reuse', () => pruneStaleLayers(buildStarted, reused), (n) => `${n} removed`);
const sizes = new Map<Entrypoint, { stored: string; compressed: number }>();
for (const target of built) {
  sizes.set(target, { stored: await imageSize(imageName(target)), compressed: await compressedBytes(imageName(target), join(work, 'oci')).catch(() => NaN) });
}

if (built.includes('all-in-one')) await step('all-in-one image through its gateway', () => allInOne(logDir), (note) => note);
if (distributedModules.every((m) => built.includes(m))) {
  await step('five distributed images on the engines, through the gateway', () => distributedImages(root, logDir), (note) => note);
}

const failed = results.filter((r) => !r.ok);
// As stored here (uncompressed layers), and as pushed to a registry (gzip layers).
console.log(`\n${'image'.padEnd(60)} ${'stored'.padStart(9)} ${'pushed'.padStart(9)}`);
for (const [target, size] of sizes) console.log(`${imageName(target).padEnd(60)} ${size.stored.padStart(9)} ${`${(size.compressed / 1e6).toFixed(1)} MB`.padStart(9)}`);
if (bases) for (const base of [bases.builder.name, bases.runtime.name]) console.log(`${base.padEnd(60)} ${(await imageSize(base)).padStart(9)}`);
console.log(`\ncheck:images: ${results.length - failed.length} passed, ${failed.length} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const r of failed) console.log(`  failed: ${r.name}`);
if (failed.length) console.log(`  logs of the containers: ${logDir}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
