import type { PersonalNames, SealedNames } from '../contracts/events';
import { open, seal } from './aes-gcm';

/**
 * Sealing a user's names with the user's data key: AES-256-GCM (aes-gcm.ts), the user's stream id
 * as additional data (a sealed value copied into another
 * user's event does not open). The digest is an HMAC-SHA-256 of the names under the user's second
 * key, cut to 128 bits: equal names give equal digests for the same user only, and nobody without
 * the key can test a guess. Both keys go when the user is erased.
 */
export interface DataKey {
  seal: CryptoKey;
  digest: CryptoKey;
}

const DIGEST_BYTES = 16;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

const b64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const fromB64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const boundTo = (userId: number) => utf8.encode(`user-${userId}`);

/** The key material of one user: 32 bytes for sealing, 32 for the digest. */
export const DATA_KEY_BYTES = 64;

export async function importDataKey(material: Uint8Array<ArrayBuffer>): Promise<DataKey> {
  if (material.byteLength !== DATA_KEY_BYTES) throw new Error(`a user data key is ${DATA_KEY_BYTES} bytes, got ${material.byteLength}`);
  const [seal, digest] = await Promise.all([
    crypto.subtle.importKey('raw', material.subarray(0, 32), 'AES-GCM', false, ['encrypt', 'decrypt']),
    crypto.subtle.importKey('raw', material.subarray(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  ]);
  return { seal, digest };
}

/** What the digest is taken over: the two names, unambiguously joined. */
const digestInput = ({ firstName, lastName }: PersonalNames) => utf8.encode(JSON.stringify([firstName, lastName]));

export async function namesDigest(key: DataKey, names: PersonalNames): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key.digest, digestInput(names)));
  return b64url(mac.subarray(0, DIGEST_BYTES));
}

export async function sealNames(key: DataKey, userId: number, names: PersonalNames): Promise<SealedNames> {
  const plaintext = utf8.encode(JSON.stringify({ f: names.firstName, l: names.lastName }));
  const [sealed, digest] = await Promise.all([seal(key.seal, plaintext, boundTo(userId)), namesDigest(key, names)]);
  return { sealed: b64url(sealed), digest };
}

/** Throws when the value was not sealed with this key for this user (tampered, moved, or the wrong key). */
export async function openNames(key: DataKey, userId: number, sealed: string): Promise<PersonalNames> {
  const plaintext = await open(key.seal, fromB64url(sealed), boundTo(userId));
  const { f, l } = JSON.parse(fromUtf8.decode(plaintext)) as { f: string; l: string };
  return { firstName: f, lastName: l };
}
