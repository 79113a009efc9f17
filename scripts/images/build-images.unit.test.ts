import { expect, test } from 'bun:test';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import { buildahDockerfile } from './build-images';

const root = join(import.meta.dir, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

test('both base images are build arguments whose defaults are the public images', () => {
  expect(dockerfile).toMatch(/^ARG BUILDER_IMAGE=oven\/bun:\$\{BUN_VERSION\}$/m);
  expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/cc-debian12:nonroot$/m);
  const froms = [...dockerfile.matchAll(/^FROM (.+)$/gm)].map((m) => m[1]!);
  expect(froms.filter((f) => !f.startsWith('runtime '))).toEqual(['--platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build', '${RUNTIME_IMAGE} AS runtime']);
});

test("buildah's copy of the Dockerfile differs only by HEALTHCHECK's --start-interval", () => {
  const dir = tempDir('sn-dockerfile-');
  const copy = readFileSync(buildahDockerfile(root, dir), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  expect(copy).not.toContain('--start-interval');
  expect(copy.replace(/\s+/g, '')).toBe(dockerfile.replace(/ --start-interval=\S+/g, '').replace(/\s+/g, ''));
  expect(copy.split('\n').length).toBe(dockerfile.split('\n').length);
});
