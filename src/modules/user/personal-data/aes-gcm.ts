/**
 * AES-256-GCM through Web Crypto, as every sealed value here is stored: a fresh random 96-bit IV,
 * then the ciphertext with its 128-bit tag, in one byte string. `boundTo` is the additional data:
 * a value sealed for one purpose or user does not open for another.
 */
const IV_BYTES = 12;

export async function seal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, boundTo: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: boundTo }, key, plaintext));
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(ciphertext, IV_BYTES);
  return sealed;
}

/** Throws unless `sealed` was sealed with this key and this additional data, unchanged. */
export async function open(key: CryptoKey, sealed: Uint8Array, boundTo: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(sealed);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: boundTo }, key, bytes.subarray(IV_BYTES)));
}
