import { port, url, type Env } from '../platform/config-readers';

/** Where each module listens unless told otherwise: the original system's ports, so its clients, dashboards and scripts keep working. */
export const DEFAULT_PORTS = { gateway: 9000, discovery: 8761, user: 8081, friend: 8082, recommendation: 8083 } as const;

export type ModuleName = keyof typeof DEFAULT_PORTS;

export interface Ports {
  ports: Record<ModuleName, number>;
  /** Where discovery is reached; by default its port on the host other processes know this one by. */
  discoveryUrl: string;
}

/** `<MODULE>_PORT` for each module (0 takes any free port) and DISCOVERY_URL. */
export function readPorts(env: Env, advertisedHost: string): Ports {
  const ports = Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([module, fallback]) => [module, port(env, `${module.toUpperCase()}_PORT`, fallback)]),
  ) as Ports['ports'];
  return { ports, discoveryUrl: url(env, 'DISCOVERY_URL', `http://${advertisedHost}:${ports.discovery || DEFAULT_PORTS.discovery}`) };
}
