/**
 * The environment variables the application reads, found by running the real `loadSettings` (the
 * platform's settings and every module's own) over a
 * recording environment rather than kept as a second list that could drift from it. Settings read
 * only when another is set (KAFKA_NAMESPACE after KAFKA_BROKERS, NEO4J_* after NEO4J_URL, AUTH_*
 * after AUTH_MODE=jwt, OTEL_* after OTEL_EXPORTER_OTLP_ENDPOINT) are reached by setting those.
 */
import { loadSettings } from '../../src/entrypoints/settings';

const unlocking: Record<string, string> = {
  KAFKA_BROKERS: 'kafka:9092',
  NEO4J_URL: 'bolt://neo4j:7687',
  AUTH_MODE: 'jwt',
  AUTH_JWKS_URL: 'https://id.example/jwks.json',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
};

/**
 * Variables the runtime and its libraries read themselves, not `loadSettings`: NODE_ENV=production is
 * what Elysia (and Bun) take for production mode. The servers never run in development mode
 * whatever it says (platform/http/app.ts); the deployments set it all the same.
 */
export const RUNTIME_VARIABLES = ['NODE_ENV'] as const;

export function configVariables(): Set<string> {
  const read = new Set<string>(RUNTIME_VARIABLES);
  const env = new Proxy(unlocking, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  loadSettings(env, false);
  return read;
}

/** The default port of each module, as the code has it (USER_PORT -> 8081, ...). */
export function defaultPorts(): Record<'gateway' | 'discovery' | 'user' | 'friend' | 'recommendation', number> {
  return loadSettings({}, false).ports;
}
