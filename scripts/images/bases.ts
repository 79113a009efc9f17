/**
 * The Dockerfile's two base images, made locally from Debian packages when the public registries
 * (Docker Hub, gcr.io) are out of reach:
 * - runtime: what distroless `cc-debian12:nonroot` holds that the executables need: glibc,
 *   libgcc, libstdc++, time zones, CA certificates, a `nonroot` user (65532). No shell.
 * - builder: the same libraries, busybox for the RUN shell, and this very bun at /usr/local/bin.
 * mmdebstrap's `extract` variant only unpacks the packages (no dpkg, no maintainer scripts): about
 * 5 s each, against 80 s for an `essential` root file system that the build would not use.
 * Each image is tagged with a hash of its recipe and kept in buildah's storage
 * (/var/lib/containers), so later runs on the machine reuse it; a new recipe makes a new tag.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import { imageExists, removeContainer, sh } from './buildah';

const libraries = ['libc6', 'libgcc-s1', 'libstdc++6', 'gcc-12-base'];
/** Bump `revision` when the making changes in a way the package lists do not show. */
const revision = 2;
const recipes = {
  runtime: { suite: 'bookworm', packages: [...libraries, 'tzdata'], user: '65532:65532', revision },
  builder: { suite: 'bookworm', packages: [...libraries, 'busybox-static'], user: '0:0', bun: Bun.version, revision },
} as const;
export type Base = keyof typeof recipes;

/** The host's apt sources, so the bases come from the same (reachable) mirror as its packages. */
function aptSources(): string {
  for (const path of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) if (existsSync(path)) return path;
  return 'http://deb.debian.org/debian';
}

export function baseName(base: Base): string {
  const hash = createHash('sha256').update(JSON.stringify(recipes[base])).digest('hex').slice(0, 12);
  return `localhost/social-network-base/${base}:${recipes[base].suite}-${hash}`;
}

/**
 * The host's CA bundle: Debian's roots plus whatever the host added, so `bun install` in the build
 * works behind a TLS-inspecting proxy the host trusts (bun's own roots would refuse it).
 */
function copyCaBundle(root: string): void {
  const bundle = '/etc/ssl/certs/ca-certificates.crt';
  if (!existsSync(bundle)) return;
  mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
  copyFileSync(bundle, join(root, 'etc/ssl/certs/ca-certificates.crt'));
}

/** Files distroless adds by hand: users and a home for nonroot. */
function finishRuntime(root: string): void {
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n');
  mkdirSync(join(root, 'home/nonroot'), { recursive: true });
}

async function finishBuilder(root: string): Promise<void> {
  // Applet links (/bin/sh, mkdir, ...) made by busybox itself, inside the new root.
  await sh(['chroot', root, '/bin/busybox', '--install', '-s', '/bin']);
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  mkdirSync(join(root, 'root'), { recursive: true });
  copyFileSync(process.execPath, join(root, 'usr/local/bin/bun'));
  chmodSync(join(root, 'usr/local/bin/bun'), 0o755);
}

/** Bases of earlier recipes: nothing builds on them any more. */
async function removeOtherTags(name: string): Promise<void> {
  const repository = name.slice(0, name.lastIndexOf(':'));
  const images = JSON.parse(await sh(['buildah', 'images', '--json'])) as { names: string[] | null }[];
  for (const other of images.flatMap((i) => i.names ?? []).filter((n) => n !== name && n.startsWith(`${repository}:`))) {
    await Bun.spawn(['buildah', 'rmi', other], { stdout: 'ignore', stderr: 'ignore' }).exited;
  }
}

/** Makes the base image unless this recipe's tag is already in buildah's storage. */
export async function ensureBase(base: Base, log: (line: string) => void): Promise<{ name: string; made: boolean }> {
  const name = baseName(base);
  if (await imageExists(name)) return { name, made: false };
  const recipe = recipes[base];
  const work = tempDir(`sn-base-${base}-`);
  const root = join(work, 'root');
  const container = `sn-base-${base}`;
  try {
    log(`making ${name} with mmdebstrap (${recipe.packages.join(', ')})`);
    await sh(['mmdebstrap', '--quiet', '--variant=extract', `--include=${recipe.packages.join(',')}`, recipe.suite, root, aptSources()]);
    // Documentation and apt's leftovers: nothing at run time reads them.
    for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian', 'etc/apt', 'var/lib/apt', 'var/cache/apt']) rmSync(join(root, dir), { recursive: true, force: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyCaBundle(root);
    if (base === 'runtime') finishRuntime(root);
    else await finishBuilder(root);
    await removeContainer(container);
    await sh(['buildah', 'from', '--name', container, 'scratch']);
    const mount = await sh(['buildah', 'mount', container]);
    // tar keeps modes, links and owners exactly (a buildah copy would chown everything).
    await sh(['tar', '-C', root, '-cf', join(work, 'root.tar'), '.']);
    await sh(['tar', '-C', mount, '-xpf', join(work, 'root.tar')]);
    await sh(['buildah', 'umount', container]);
    await sh(['buildah', 'config', '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--env', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      '--user', recipe.user, '--workingdir', '/', '--label', `org.opencontainers.image.description=social-network ${base} base (${recipe.packages.join(' ')})`, container]);
    await sh(['buildah', 'commit', '--quiet', '--rm', container, name]);
    log(`made ${name}`);
    await removeOtherTags(name);
    return { name, made: true };
  } finally {
    await removeContainer(container);
    rmSync(work, { recursive: true, force: true });
  }
}
