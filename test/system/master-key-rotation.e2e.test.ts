import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newMasterKeyText } from '../../src/modules/user/personal-data/master-key';
import { entrypointFile, spawnChild, tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * Rotating the master key of the all-in-one, as an operator does it: start once with the new key
 * as PII_MASTER_KEY and the old one as PII_PREVIOUS_MASTER_KEY (every user key is rewrapped), then
 * with the new key alone. A key that does not match the store is refused at start, by name.
 */
const dataDir = tempDir('master-key-rotation-');
const [oldKey, newKey] = [newMasterKeyText(), newMasterKeyText()];
const started: System[] = [];
afterAll(() => started.forEach((s) => s.process.proc.exitCode === null && s.process.proc.kill('SIGKILL')));

const ada = { firstName: 'Ada', lastName: 'Lovelace' };
const grace = { firstName: 'Grace', lastName: 'Hopper' };
let id = 0;

async function run(keys: Record<string, string>, work: (system: System) => Promise<void>): Promise<string> {
  const system = await startSystem(systemEnv(dataDir, { LOG_LEVEL: 'info', ...keys }));
  started.push(system);
  await work(system);
  expect(await system.process.stop()).toBe(0);
  return system.process.output();
}

const names = async (system: System) => {
  const { body } = await system.api('GET', `/user/v1/users/${id}`);
  return { firstName: body.firstName, lastName: body.lastName };
};

describe('master key rotation, in the all-in-one', () => {
  test('names written under the old key are served after a rotation, and then under the new key alone', async () => {
    await run({ PII_MASTER_KEY: oldKey }, async (system) => {
      id = (await system.api('POST', '/user/v1/users', ada)).body.id;
    });
    // A configured key is used as it is: none is made in the data directory.
    expect(existsSync(join(dataDir, 'pii-master-key'))).toBe(false);

    const rotating = await run({ PII_MASTER_KEY: newKey, PII_PREVIOUS_MASTER_KEY: oldKey }, async (system) => {
      expect(await names(system)).toEqual(ada);
    });
    expect(rotating).toContain('user keys rewrapped with the new master key');
    expect(rotating).toMatch(/"rewrapped":1\b/);

    await run({ PII_MASTER_KEY: newKey }, async (system) => {
      expect(await names(system)).toEqual(ada);
      expect((await system.api('PUT', `/user/v1/users/${id}`, grace)).status).toBe(200);
      expect(await names(system)).toEqual(grace);
      const other = (await system.api('POST', '/user/v1/users', ada)).body.id;
      expect((await system.api('GET', `/user/v1/users/${other}`)).body).toMatchObject(ada);
    });
  }, 180_000);

  test('started with a master key that wraps none of the stored keys (or none at all), it refuses to start, naming the variables', async () => {
    for (const keys of [{ PII_MASTER_KEY: oldKey }, { PII_MASTER_KEY: '' }]) {
      const child = spawnChild(entrypointFile('all-in-one'), systemEnv(dataDir, keys));
      const exited = await Promise.race([child.proc.exited, Bun.sleep(60_000).then(() => 'still running' as const)]);
      if (exited === 'still running') child.proc.kill('SIGKILL');
      expect(exited).not.toBe('still running');
      expect(exited).not.toBe(0);
      // Refused at start, before serving, with what to do.
      expect(child.output()).toMatch(/user keys here are wrapped with master key [0-9a-f]{16}, and this service has [0-9a-f]{16}: set PII_MASTER_KEY .*\$DATA_DIR\/pii-master-key/);
    }
    // Names are still there for the right key.
    await run({ PII_MASTER_KEY: newKey }, async (system) => expect(await names(system)).toEqual(grace));
  }, 180_000);
});
