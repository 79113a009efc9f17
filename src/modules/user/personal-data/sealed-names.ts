import type { PersonalNames, SealedNames } from '../contracts/events';
import { createHmac } from 'node:crypto';
import { open, seal } from './aes-gcm';

/**
 * Sealing a user's names with the user's data key: AES-256-GCM (aes-gcm.ts), the user's stream id
 * as additional data (a sealed value copied into another
 * user's event does not open). The digest is an HMAC-SHA-256 of the names under the user's second
 * key, cut to 128 bits: equal names give equal digests for the same user only, and nobody without
 * the key can test a guess. Both keys go when the user is erased.
 */
export interface DataKey {
  seal: Uint8Array;
  digest: Uint8Array;
}

const DIGEST_BYTES = 16;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

const b64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const fromB64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const boundTo = (userId: number) => utf8.encode(`user-${userId}`);

/** The key material of one user: 32 bytes for sealing, 32 for the digest. */
export const DATA_KEY_BYTES = 64;

export function importDataKey(material: Uint8Array): DataKey {
  if (material.byteLength !== DATA_KEY_BYTES) throw new Error(`a user data key is ${DATA_KEY_BYTES} bytes, got ${material.byteLength}`);
  return { seal: material.slice(0, 32), digest: material.slice(32) };
}

/** What the digest is taken over: the two names, unambiguously joined. */
const digestInput = ({ firstName, lastName }: PersonalNames) => utf8.encode(JSON.stringify([firstName, lastName]));

export function namesDigest(key: DataKey, names: PersonalNames): string {
  return createHmac('sha256', key.digest).update(digestInput(names)).digest().subarray(0, DIGEST_BYTES).toString('base64url');
}

export function sealNames(key: DataKey, userId: number, names: PersonalNames): SealedNames {
  const plaintext = utf8.encode(JSON.stringify({ f: names.firstName, l: names.lastName }));
  return { sealed: b64url(seal(key.seal, plaintext, boundTo(userId))), digest: namesDigest(key, names) };
}

/** Throws when the value was not sealed with this key for this user (tampered, moved, or the wrong key). */
export function openNames(key: DataKey, userId: number, sealed: string): PersonalNames {
  const plaintext = open(key.seal, fromB64url(sealed), boundTo(userId));
  const { f, l } = JSON.parse(fromUtf8.decode(plaintext)) as { f: string; l: string };
  return { firstName: f, lastName: l };
}
