import { ConfigError, loadConfig, type Config } from '../platform/config';
import type { Env } from '../platform/config-readers';
import { readGatewaySettings, type GatewaySettings } from '../modules/gateway';
import { readRecommendationSettings, type RecommendationSettings } from '../modules/recommendation';

/** Everything a process reads at start: the platform's shared settings and each module's own. */
export interface Settings extends Config {
  gateway: GatewaySettings;
  recommendation: RecommendationSettings;
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
  return {
    ...config,
    gateway,
    recommendation: readRecommendationSettings(env, { host: config.advertisedHost, ports: config.ports }),
  };
}
