import type { Config } from 'neo4j-driver';

/**
 * The URL and driver settings for a Neo4j connection with a private CA. The driver takes either
 * an encrypted scheme (`+s`: the system's authorities; `+ssc`: any certificate) or encryption
 * settings, never both; a CA of one's own needs the settings. So `bolt+s://` or `neo4j+s://` with
 * a CA file become the plain scheme plus encryption trusting only that CA (a plain scheme with a
 * CA file is encrypted too: a CA is only given to verify an encrypted server).
 */
export function neo4jTls(url: string, trustedCaFile?: string): { url: string; config: Pick<Config, 'encrypted' | 'trust' | 'trustedCertificates'> } {
  if (!trustedCaFile) return { url, config: {} };
  return {
    url: url.replace(/^(bolt|neo4j)\+s:\/\//, '$1://'),
    config: { encrypted: 'ENCRYPTION_ON', trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [trustedCaFile] },
  };
}
