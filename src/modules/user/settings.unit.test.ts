import { describe, expect, test } from 'bun:test';
import { ConfigError } from '../../platform/config-readers';
import { readUserSettings } from './settings';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
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
