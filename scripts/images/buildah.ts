/**
 * Thin wrappers over the `buildah` CLI. No Docker engine runs on these machines and podman/crun
 * cannot start containers (cgroups), but buildah's chroot isolation needs neither: it builds and
 * runs commands as plain processes in the image's root file system, on the host's network.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const isolation = ['--isolation', 'chroot'] as const;

export async function sh(cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} exited ${code}\n${(out + err).trim().split('\n').slice(-30).join('\n')}`);
  return out.trim();
}

export async function imageExists(name: string): Promise<boolean> {
  const proc = Bun.spawn(['buildah', 'inspect', '--type', 'image', name], { stdout: 'ignore', stderr: 'ignore' });
  return (await proc.exited) === 0;
}

/** Size of an image as stored (uncompressed layers), as buildah prints it, e.g. "149 MB". */
export async function imageSize(name: string): Promise<string> {
  const out = await sh(['buildah', 'images', '--json', name]);
  const [image] = JSON.parse(out) as { size: string }[];
  return image?.size ?? '?';
}

/** Size as a registry would store it: the image pushed gzip-compressed to an OCI layout in `dir`. */
export async function compressedBytes(name: string, dir: string): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  await sh(['buildah', 'push', '--quiet', '--compression-format', 'gzip', name, `oci:${dir}:image`]);
  const blobs = join(dir, 'blobs', 'sha256');
  const bytes = readdirSync(blobs).reduce((sum, blob) => sum + statSync(join(blobs, blob)).size, 0);
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}

/** Removes a working container by name if one is left from an earlier run. */
export async function removeContainer(name: string): Promise<void> {
  const proc = Bun.spawn(['buildah', 'rm', name], { stdout: 'ignore', stderr: 'ignore' });
  await proc.exited;
}

/** Installs buildah and mmdebstrap from Debian when missing (needs root, like buildah itself here). */
export async function ensureTools(log: (line: string) => void): Promise<void> {
  const missing = ['buildah', 'mmdebstrap'].filter((tool) => !Bun.which(tool));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`${missing.join(' and ')} missing: sudo apt-get install -y ${missing.join(' ')}`);
  log(`installing ${missing.join(' and ')} with apt`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await sh(['apt-get', 'update'], { env });
  await sh(['apt-get', 'install', '-y', '--no-install-recommends', ...missing], { env });
  if (!existsSync('/etc/containers/policy.json')) throw new Error('buildah installed without /etc/containers/policy.json');
}
