import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from '../../platform/config-readers';
import { MASTER_KEY_BYTES, masterKeyBytes } from './personal-data/master-key';

/** The user service's own settings: the master key that wraps users' data keys (personal-data/). */
export interface UserSettings {
  /**
   * PII_MASTER_KEY (or the file PII_MASTER_KEY_FILE names), base64 of 32 random bytes. Unset: an
   * embedded installation makes one in its data directory on first start; a user service on
   * PostgreSQL refuses to start.
   */
  masterKey?: string;
  /** PII_PREVIOUS_MASTER_KEY: during a rotation, the key being retired (README, "Erasing a user"). */
  previousMasterKey?: string;
}

/** Checked here, at start, so a wrong key stops every process with a message naming the variable. */
function checkedKey(value: string, name: string): string {
  if (!masterKeyBytes(value)) {
    throw new ConfigError(`${name} must be ${MASTER_KEY_BYTES} random bytes in base64, as \`openssl rand -base64 32\` prints`);
  }
  return value;
}

function masterKey(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? checkedKey(value, name) : undefined;
}

/**
 * PII_MASTER_KEY_FILE: the key read from a file, as container platforms hand secrets over (a
 * Compose volume or secret, a Kubernetes Secret volume), so it never sits in the environment.
 */
function masterKeyFromFile(env: Env): string | undefined {
  const path = env.PII_MASTER_KEY_FILE?.trim();
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`PII_MASTER_KEY_FILE names "${path}", which cannot be read: ${(error as { code?: string }).code ?? String(error)}`);
  }
  const value = text.trim();
  if (!value) throw new ConfigError(`PII_MASTER_KEY_FILE names "${path}", which is empty`);
  return checkedKey(value, `PII_MASTER_KEY_FILE ("${path}")`);
}

export function readUserSettings(env: Env): UserSettings {
  const given = masterKey(env, 'PII_MASTER_KEY');
  const fromFile = masterKeyFromFile(env);
  // Two sources could disagree, and a wrong current key makes new names unreadable to the other.
  if (given && fromFile) throw new ConfigError('PII_MASTER_KEY and PII_MASTER_KEY_FILE are both set: set one of them');
  const current = given ?? fromFile;
  const previous = masterKey(env, 'PII_PREVIOUS_MASTER_KEY');
  if (previous && !current) throw new ConfigError('PII_PREVIOUS_MASTER_KEY is set without PII_MASTER_KEY: a rotation needs the new key too');
  if (previous && previous === current) throw new ConfigError('PII_PREVIOUS_MASTER_KEY must differ from PII_MASTER_KEY');
  return { ...(current ? { masterKey: current } : {}), ...(previous ? { previousMasterKey: previous } : {}) };
}
