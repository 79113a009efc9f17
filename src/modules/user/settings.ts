import { ConfigError, type Env } from '../../platform/config-readers';

/** The user service's own settings: the master key that wraps users' data keys (personal-data/). */
export interface UserSettings {
  /**
   * PII_MASTER_KEY, base64 of 32 random bytes. Unset: an embedded installation makes one in its
   * data directory on first start; a user service on PostgreSQL refuses to start.
   */
  masterKey?: string;
  /** PII_PREVIOUS_MASTER_KEY: during a rotation, the key being retired (README, "Erasing a user"). */
  previousMasterKey?: string;
}

const MASTER_KEY_BYTES = 32;

/** Checked here, at start, so a wrong key stops every process with a message naming the variable. */
function masterKey(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const base64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/.test(value);
  if (!base64 || Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64').byteLength !== MASTER_KEY_BYTES) {
    throw new ConfigError(`${name} must be ${MASTER_KEY_BYTES} random bytes in base64, as \`openssl rand -base64 32\` prints`);
  }
  return value;
}

export function readUserSettings(env: Env): UserSettings {
  const current = masterKey(env, 'PII_MASTER_KEY');
  const previous = masterKey(env, 'PII_PREVIOUS_MASTER_KEY');
  if (previous && !current) throw new ConfigError('PII_PREVIOUS_MASTER_KEY is set without PII_MASTER_KEY: a rotation needs the new key too');
  if (previous && previous === current) throw new ConfigError('PII_PREVIOUS_MASTER_KEY must differ from PII_MASTER_KEY');
  return { ...(current ? { masterKey: current } : {}), ...(previous ? { previousMasterKey: previous } : {}) };
}
