import type { ConnectionOptions } from 'node:tls';

/** postgres.js's `ssl` option: off, one of its modes, or TLS options of its own. */
export type PostgresSsl = false | 'prefer' | 'require' | 'allow' | 'verify-full' | ConnectionOptions;

/**
 * The `ssl` option for postgres.js from the URL's `sslmode` and an optional private CA (PEM),
 * with libpq's meanings. postgres.js alone knows `verify-full` only against the system's
 * authorities and treats `verify-ca` like it; a managed server signed by its provider's own CA
 * needs that CA, so with one the TLS options are built here:
 * - verify-full (or no sslmode: a CA given says "verify"): chain and host name are checked;
 * - verify-ca, and require with a CA (as libpq does with a root certificate): the chain only;
 * - require, prefer, allow without a CA: encrypted, the certificate not checked (postgres.js);
 * - disable: plaintext.
 */
export function postgresSsl(url: string, ca?: string): PostgresSsl {
  const mode = new URL(url).searchParams.get('sslmode');
  if (mode === 'disable') return false;
  if (!ca) {
    if (mode === 'verify-ca') return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    return (mode ?? false) as PostgresSsl;
  }
  if (mode === 'verify-ca' || mode === 'require') return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  if (mode === null || mode === 'verify-full') return { ca, rejectUnauthorized: true };
  // prefer/allow with a CA are refused by the configuration; if called so anyway, never weaker.
  return { ca, rejectUnauthorized: true };
}
