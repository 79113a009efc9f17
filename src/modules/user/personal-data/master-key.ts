import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that wraps every user's data key (envelope encryption): user keys are stored only
 * wrapped with it, so the key store alone reveals nothing. It never leaves the process; `id` (a
 * fingerprint, not the key) is stored beside each wrapped key, so that after a rotation the store
 * says which keys still need rewrapping.
 */
export interface MasterKey {
  id: string;
  key: Uint8Array;
}

export const MASTER_KEY_BYTES = 32;

export class MasterKeyError extends Error {}

/**
 * The bytes of a master key's text, base64 or base64url and trimmed, or undefined when the text is
 * not that or not 32 bytes. The one reading of a master key: settings check with it at start.
 */
export function masterKeyBytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/.test(trimmed)) return undefined;
  const bytes = new Uint8Array(Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64'));
  return bytes.byteLength === MASTER_KEY_BYTES ? bytes : undefined;
}

/** A master key from its base64 (or base64url) text: exactly 32 bytes. */
export function importMasterKey(text: string, variable = 'PII_MASTER_KEY'): MasterKey {
  const bytes = masterKeyBytes(text);
  if (!bytes) {
    const length = Buffer.from(text.trim(), 'base64').byteLength;
    throw new MasterKeyError(`${variable} must be ${MASTER_KEY_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${length} bytes`);
  }
  const fingerprint = createHash('sha256').update(bytes).digest();
  return { id: fingerprint.subarray(0, 8).toString('hex'), key: bytes };
}

export const newMasterKeyText = () => Buffer.from(crypto.getRandomValues(new Uint8Array(MASTER_KEY_BYTES))).toString('base64');

/** Where the all-in-one keeps the master key it made on first start, beside the data it protects. */
export const masterKeyFile = (dataDir: string) => join(dataDir, 'pii-master-key');

/**
 * The master key of an embedded installation when none is configured: read from the data
 * directory, or made there on first start (readable by its owner only). Losing that file loses
 * every name; keeping it beside the data protects against a leaked database dump, not against
 * someone holding the whole directory (set PII_MASTER_KEY from a secret store for that).
 */
export function masterKeyTextInDataDir(dataDir: string, onCreated?: (file: string) => void): string {
  const file = masterKeyFile(dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dataDir, { recursive: true });
  const text = newMasterKeyText();
  writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  onCreated?.(file);
  return text;
}
