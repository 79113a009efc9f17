// A private certificate authority for the local engines' TLS listeners, made once with openssl.
//
// Managed Kafka and PostgreSQL services sign their servers with a CA of their own, which clients
// must be given; this CA plays that part, so the TLS tests exercise the same path (a CA file,
// host-name verification) as a real cluster. Everything is under .infra/tls; delete it for new ones.
import { existsSync } from 'node:fs';
import { aptInstall, ensureDir, InfraError, run } from './lib.ts';
import { INFRA } from './settings.ts';

export const TLS_DIR = `${INFRA}/tls`;
export const CA_FILE = `${TLS_DIR}/ca.crt`;

/** Names a client may use for a local engine; host-name verification checks one of them. */
const SUBJECT_ALT_NAMES = 'DNS:localhost,IP:127.0.0.1';

async function openssl(args: string[]): Promise<void> {
  if (!Bun.which('openssl')) await aptInstall('tls', ['openssl']);
  const res = await run(['openssl', ...args], { timeoutS: 60 });
  if (res.code !== 0) throw new InfraError(`tls: openssl ${args[0]} failed (exit ${res.code}): ${res.stderr.trim()}`);
}

/** The CA (ca.crt, ca.key), made on first use; ten years, so a checkout never sees it expire. */
async function ensureCa(): Promise<void> {
  ensureDir(TLS_DIR);
  if (existsSync(CA_FILE) && existsSync(`${TLS_DIR}/ca.key`)) return;
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', '/CN=social-network local CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', `${TLS_DIR}/ca.key`, '-out', CA_FILE]);
}

/**
 * A server certificate and its key (unencrypted PKCS#8 PEM) for `name`, signed by the CA:
 * `<name>.crt`, `<name>.key`. Made again when missing, e.g. after the CA was replaced.
 */
export async function serverCertificate(name: string): Promise<{ cert: string; key: string }> {
  await ensureCa();
  const cert = `${TLS_DIR}/${name}.crt`;
  const key = `${TLS_DIR}/${name}.key`;
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  const ext = `${TLS_DIR}/${name}.ext`;
  await Bun.write(ext, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${SUBJECT_ALT_NAMES}\n`);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/CN=localhost/O=${name}`, '-keyout', key, '-out', `${TLS_DIR}/${name}.csr`]);
  await openssl(['x509', '-req', '-sha256', '-days', '3650', '-in', `${TLS_DIR}/${name}.csr`, '-CA', CA_FILE, '-CAkey', `${TLS_DIR}/ca.key`,
    '-CAcreateserial', '-extfile', ext, '-out', cert]);
  return { cert, key };
}
