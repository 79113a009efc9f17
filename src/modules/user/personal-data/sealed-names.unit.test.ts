import { describe, expect, test } from 'bun:test';
import { DATA_KEY_BYTES, importDataKey, namesDigest, openNames, sealNames } from './sealed-names';

const newKey = () => importDataKey(crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES)));
const ada = { firstName: 'Ada', lastName: 'Lovelace' };
const bytesOf = (sealed: string) => new Uint8Array(Buffer.from(sealed, 'base64url'));
const textOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('sealed names', () => {
  test('open what was sealed, for the same user with the same key', () => {
    const key = newKey();
    const names = { firstName: 'Zoë', lastName: "O'Brien \"the\" 2nd" };
    expect(openNames(key, 7, sealNames(key, 7, names).sealed)).toEqual(names);
  });

  test('the sealed text holds no name, and each sealing uses a fresh IV: two sealings differ, their digests do not', () => {
    const key = newKey();
    const [one, two] = [sealNames(key, 7, ada), sealNames(key, 7, ada)];
    expect(one.sealed).not.toBe(two.sealed);
    expect(bytesOf(one.sealed).subarray(0, 12)).not.toEqual(bytesOf(two.sealed).subarray(0, 12));
    expect(one.digest).toBe(two.digest);
    for (const text of [one.sealed, Buffer.from(bytesOf(one.sealed)).toString('latin1')]) {
      expect(text).not.toContain('Ada');
      expect(text).not.toContain('Lovelace');
    }
  });

  test('does not open for another user (the value was moved) nor with another key', () => {
    const key = newKey();
    const { sealed } = sealNames(key, 7, ada);
    expect(() => openNames(key, 8, sealed)).toThrow();
    expect(() => openNames(newKey(), 7, sealed)).toThrow();
  });

  test('does not open once any byte is changed (IV, ciphertext or tag) or cut short', () => {
    const key = newKey();
    const bytes = bytesOf(sealNames(key, 7, ada).sealed);
    for (const at of [0, 11, 12, bytes.length - 17, bytes.length - 1]) {
      const flipped = new Uint8Array(bytes);
      flipped[at]! ^= 0x01;
      expect(() => openNames(key, 7, textOf(flipped))).toThrow();
    }
    expect(() => openNames(key, 7, textOf(bytes.subarray(0, bytes.length - 1)))).toThrow();
  });

  test('the digest tells names apart, and the same names of another user (another key) apart too', () => {
    const [key, other] = [newKey(), newKey()];
    const digest = namesDigest(key, ada);
    expect(namesDigest(key, { firstName: 'Ada', lastName: 'Byron' })).not.toBe(digest);
    // The two names are joined without ambiguity: moving a letter across the boundary changes it.
    expect(namesDigest(key, { firstName: 'AdaL', lastName: 'ovelace' })).not.toBe(digest);
    expect(namesDigest(other, ada)).not.toBe(digest);
    expect(sealNames(key, 7, ada).digest).toBe(digest);
  });

  test('a data key is exactly 64 bytes', () => {
    expect(() => importDataKey(new Uint8Array(32))).toThrow(/64 bytes, got 32/);
  });
});
