/** The master key's settings: from the environment or from a file, checked at start. */
import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/kits/processes';
import { ConfigError } from '../../platform/config-readers';
import { readUserSettings } from './settings';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const dir = tempDir('sn-user-settings-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A key file as a secret volume holds it: the key and, often, a trailing newline. */
function keyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o400 });
  return path;
}

describe('PII_MASTER_KEY', () => {
  test('unset: no key (the embedded installation makes its own)', () => {
    expect(readUserSettings({})).toEqual({});
  });

  test('a key of 32 bytes is taken, with the previous one during a rotation', () => {
    expect(readUserSettings({ PII_MASTER_KEY: key(1), PII_PREVIOUS_MASTER_KEY: key(2) })).toEqual({ masterKey: key(1), previousMasterKey: key(2) });
  });

  test('a key of another length is refused, naming the variable', () => {
    expect(() => readUserSettings({ PII_MASTER_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/^PII_MASTER_KEY must be 32 random bytes/);
  });
});

describe('PII_MASTER_KEY_FILE', () => {
  test('the key is read from the file, surrounding whitespace ignored', () => {
    expect(readUserSettings({ PII_MASTER_KEY_FILE: keyFile('key', `${key(3)}\n`) })).toEqual({ masterKey: key(3) });
  });

  test('works with the previous key of a rotation', () => {
    const settings = readUserSettings({ PII_MASTER_KEY_FILE: keyFile('new', key(4)), PII_PREVIOUS_MASTER_KEY: key(5) });
    expect(settings).toEqual({ masterKey: key(4), previousMasterKey: key(5) });
    expect(() => readUserSettings({ PII_MASTER_KEY_FILE: keyFile('same', key(5)), PII_PREVIOUS_MASTER_KEY: key(5) })).toThrow('must differ');
  });

  test('a missing, empty or malformed file stops start-up, naming the variable and the file', () => {
    const missing = join(dir, 'nowhere');
    expect(() => readUserSettings({ PII_MASTER_KEY_FILE: missing })).toThrow(new ConfigError(`PII_MASTER_KEY_FILE names "${missing}", which cannot be read: ENOENT`));
    expect(() => readUserSettings({ PII_MASTER_KEY_FILE: keyFile('empty', '\n') })).toThrow(/^PII_MASTER_KEY_FILE names ".*empty", which is empty$/);
    expect(() => readUserSettings({ PII_MASTER_KEY_FILE: keyFile('short', 'c2hvcnQ=\n') })).toThrow(/^PII_MASTER_KEY_FILE \(".*short"\) must be 32 random bytes/);
  });

  test('set together with PII_MASTER_KEY: refused, the two could disagree', () => {
    expect(() => readUserSettings({ PII_MASTER_KEY: key(6), PII_MASTER_KEY_FILE: keyFile('both', key(6)) })).toThrow('PII_MASTER_KEY and PII_MASTER_KEY_FILE are both set');
  });

  test('empty counts as unset, as for every other setting', () => {
    expect(readUserSettings({ PII_MASTER_KEY_FILE: ' ' })).toEqual({});
  });
});
const refusal = (env: Record<string, string>) => {
  try {
    readUserSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('user settings: the master keys', () => {
  test('none set: no key (an embedded installation makes its own)', () => {
    expect(readUserSettings({})).toEqual({});
    expect(readUserSettings({ PII_MASTER_KEY: '  ' })).toEqual({});
  });

  test('a valid key, base64 or base64url, trimmed', () => {
    expect(readUserSettings({ PII_MASTER_KEY: ` ${key(1)}\n` })).toEqual({ masterKey: key(1) });
    const url = Buffer.alloc(32, 0xfb).toString('base64url');
    expect(readUserSettings({ PII_MASTER_KEY: url })).toEqual({ masterKey: url });
    expect(readUserSettings({ PII_MASTER_KEY: key(1), PII_PREVIOUS_MASTER_KEY: key(2) })).toEqual({ masterKey: key(1), previousMasterKey: key(2) });
  });

  test('a bad key is refused naming its variable', () => {
    for (const bad of [Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), 'secret', `${key(1)}!`, 'a+b-c']) {
      expect(refusal({ PII_MASTER_KEY: bad })).toMatch(/^PII_MASTER_KEY must be 32 random bytes in base64/);
    }
    expect(refusal({ PII_MASTER_KEY: key(1), PII_PREVIOUS_MASTER_KEY: 'secret' })).toMatch(/^PII_PREVIOUS_MASTER_KEY must be 32/);
  });

  test('a previous key needs a current one, and a different one', () => {
    expect(refusal({ PII_PREVIOUS_MASTER_KEY: key(2) })).toContain('PII_PREVIOUS_MASTER_KEY is set without PII_MASTER_KEY');
    expect(refusal({ PII_MASTER_KEY: key(1), PII_PREVIOUS_MASTER_KEY: ` ${key(1)}` })).toContain('must differ from PII_MASTER_KEY');
  });
});
