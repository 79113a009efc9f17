import { ConfigError, loadConfig, readConsistency, type Config } from '../platform/config';
import type { ConsistencyOptions } from '../platform/consistency/options';
import type { Env } from '../platform/config-readers';
import { readGatewaySettings, type GatewaySettings } from '../modules/gateway';
import { readRecommendationSettings, type RecommendationSettings } from '../modules/recommendation';
import { readPorts, type Ports } from './ports';
import { readUserSettings, type UserSettings } from '../modules/user';

/** Everything a process reads at start: the platform's shared settings, where each module listens, and each module's own. */
export interface Settings extends Config, Ports {
  /** Read your writes: how long a read carrying a Consistency-Token may wait (always less than the gateway waits for it), and how many may wait at once. */
  consistency: ConsistencyOptions;
  gateway: GatewaySettings;
  recommendation: RecommendationSettings;
  user: UserSettings;
}

/**
 * Reads every setting, whichever modules this process hosts: a bad value anywhere stops any process
 * at start, so a configuration that works for the all-in-one works for each module alone too.
 */
export function loadSettings(env: Env, stdoutIsTerminal = process.stdout.isTTY === true): Settings {
  const config = loadConfig(env, stdoutIsTerminal);
  const gateway = readGatewaySettings(env);
  // Whoever mints user tokens must not thereby be able to mint the gateway's word too.
  if (gateway.auth.mode === 'jwt' && gateway.auth.secret !== undefined && gateway.auth.secret === config.internalAuthSecret) {
    throw new ConfigError('INTERNAL_AUTH_SECRET must differ from AUTH_JWT_SECRET');
  }
  const where = readPorts(env, config.advertisedHost);
  return {
    ...config,
    ...where,
    consistency: readConsistency(env, gateway),
    gateway,
    recommendation: readRecommendationSettings(env, { host: config.advertisedHost, ports: where.ports }),
    user: readUserSettings(env),
  };
}
