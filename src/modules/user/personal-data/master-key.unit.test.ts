import { describe, expect, test } from 'bun:test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../../test/kits/processes';
import { importMasterKey, masterKeyFile, masterKeyTextInDataDir, MasterKeyError, newMasterKeyText } from './master-key';

describe('master key', () => {
  test('32 bytes in base64 or base64url import, with a stable fingerprint as id (not the key)', () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const base64 = Buffer.from(bytes).toString('base64');
    const one = importMasterKey(`${base64}\n`);
    expect(one.id).toMatch(/^[0-9a-f]{16}$/);
    expect(base64).not.toContain(one.id);
    expect(importMasterKey(Buffer.from(bytes).toString('base64url')).id).toBe(one.id);
    expect(importMasterKey(newMasterKeyText()).id).not.toBe(one.id);
  });

  test('a wrong length or garbage is refused with a message naming the variable', () => {
    for (const text of [Buffer.alloc(16, 1).toString('base64'), Buffer.alloc(33, 1).toString('base64'), '', 'not a key at all!']) {
      expect(() => importMasterKey(text)).toThrow(MasterKeyError);
      expect(() => importMasterKey(text)).toThrow('PII_MASTER_KEY must be 32 random bytes in base64');
    }
    expect(() => importMasterKey('short', 'PII_PREVIOUS_MASTER_KEY')).toThrow(/^PII_PREVIOUS_MASTER_KEY must be/);
  });

  test('in a data directory: made once, readable by its owner only, and read back the same', () => {
    const dataDir = join(tempDir('master-key-'), 'data');
    const made = masterKeyTextInDataDir(dataDir);
    const file = masterKeyFile(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(made);
    const again = masterKeyTextInDataDir(dataDir);
    expect(again.trim()).toBe(made);
    expect(importMasterKey(again).id).toBe(importMasterKey(made).id);
    expect(masterKeyTextInDataDir(tempDir('master-key-other-'))).not.toBe(made);
  });
});
