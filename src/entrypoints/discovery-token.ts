import { randomBytes } from 'node:crypto';
import { ConfigError } from '../platform/config';
import type { Settings } from './settings';
import type { Logger } from '../platform/log';

const HOW = 'set DISCOVERY_TOKEN to the same secret of at least 32 characters in every process (e.g. `export DISCOVERY_TOKEN=$(openssl rand -hex 32)`)';

/**
 * Discovery's shared secret for a process named `name`. Configured, it is used as is. Unset:
 * - the all-in-one makes one up per start: every caller of its discovery is in the same process,
 *   and nobody outside can register on its discovery port;
 * - a gateway with fixed upstreams (GATEWAY_UPSTREAMS) needs none: it never asks discovery;
 * - any other one-module process refuses to start, since its peers must share the secret.
 */
export function discoveryTokenFor(name: string, config: Pick<Settings, 'discoveryToken' | 'gateway'>, log: Logger): string | undefined {
  if (config.discoveryToken) return config.discoveryToken;
  if (name === 'all-in-one') {
    log.debug('DISCOVERY_TOKEN not set: using a random one for this start');
    return randomBytes(32).toString('hex');
  }
  if (name === 'gateway' && config.gateway.upstreams) return undefined;
  const why = name === 'gateway' ? 'the gateway finds its upstreams through discovery (unless GATEWAY_UPSTREAMS fixes them)' : `${name} talks to discovery`;
  throw new ConfigError(`DISCOVERY_TOKEN is required: ${why}; ${HOW}`);
}
