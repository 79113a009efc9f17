import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { expectExactlyOnceInOrder, recorder, streamEvents, waitFor } from '../../../test/conformance/event-bus';
import { KafkaBus } from './kafka-bus';
import { kafkaTestKit } from '../../../test/kits/kafka';

/**
 * The bus against the SASL and TLS listeners `bun run infra:up` starts beside the plaintext one,
 * configured the way a process is: from the KAFKA_SASL_* and KAFKA_SSL* variables through
 * loadConfig. What succeeds proves the settings reach kafkajs; what fails proves the broker checks.
 */
const env = process.env;
const needed = ['KAFKA_BROKERS', 'KAFKA_SASL_BROKERS', 'KAFKA_TLS_BROKERS', 'KAFKA_SASL_TLS_BROKERS', 'KAFKA_TEST_USERNAME', 'KAFKA_TEST_PASSWORD', 'KAFKA_TLS_CA_FILE'];
const missing = needed.filter((n) => !env[n]);
const skipReason = missing.length ? `${missing.join(', ')} not set` : undefined;
if (skipReason) console.warn(`kafka-security.int.test.ts: ${skipReason}, skipping (\`bun run infra:up && source .infra/env\` to run)`);

const TIMEOUT = 60_000;
const kits: ReturnType<typeof kafkaTestKit>[] = [];
const buses: KafkaBus[] = [];
let scratch = '';

/** A bus (and a test kit for clean-up) from environment variables, as a module process gets them. */
function busFrom(vars: Record<string, string>) {
  const kafka = loadConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS, ...vars }).kafka!;
  const security = { ...(kafka.ssl ? { ssl: kafka.ssl } : {}), ...(kafka.sasl ? { sasl: kafka.sasl } : {}) };
  const kit = kafkaTestKit(kafka.brokers, security);
  kits.push(kit);
  const bus = new KafkaBus({ ...kit.options(), brokers: kafka.brokers, ...security });
  buses.push(bus);
  return { bus, kit };
}

async function roundTrip(vars: Record<string, string>): Promise<void> {
  const { bus, kit } = busFrom(vars);
  const topic = kit.unique('secured');
  const seen = recorder();
  await bus.subscribe({ group: kit.unique('group'), topics: [topic], handle: seen.handle });
  const events = streamEvents('s-1', 3);
  await bus.publish(topic, events);
  await waitFor(() => seen.events.length >= events.length, 20_000, 'events over the secured listener');
  expectExactlyOnceInOrder(seen.events, events);
}

/** The error `start()` fails with. An untrusted certificate is retried by kafkajs (about 20 s) before it gives up. */
async function refusal(vars: Record<string, string>): Promise<Error> {
  const { bus } = busFrom(vars);
  const error = await bus.start(['refused']).then(() => undefined, (e: Error) => e);
  if (!error) throw new Error('the broker accepted the connection');
  return error;
}

const sasl = (mechanism: string, password = env.KAFKA_TEST_PASSWORD!) => ({
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: env.KAFKA_TEST_USERNAME!,
  KAFKA_SASL_PASSWORD: password,
});
/** Message and causes, since kafkajs wraps the TLS error. */
const chain = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message} ${chain((e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError)}` : '');

describe.skipIf(skipReason !== undefined)(`Kafka over SASL and TLS${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    // A CA that signed nothing the broker holds: as good as trusting the wrong authority.
    scratch = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    const made = Bun.spawnSync(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=another CA',
      '-keyout', join(scratch, 'other.key'), '-out', join(scratch, 'other-ca.crt')]);
    if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
  });
  afterEach(async () => void (await Promise.allSettled(buses.splice(0).map((b) => b.close()))));
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await Promise.allSettled(kits.map((k) => k.cleanUp()));
  }, TIMEOUT);

  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
    test(`SASL ${mechanism}: publish and consume through the bus`, async () => {
      await roundTrip({ KAFKA_BROKERS: env.KAFKA_SASL_BROKERS!, ...sasl(mechanism) });
    }, TIMEOUT);
  }

  test('SASL with a wrong password is refused by the broker, with an authentication error', async () => {
    for (const mechanism of ['plain', 'scram-sha-512']) {
      const error = await refusal({ KAFKA_BROKERS: env.KAFKA_SASL_BROKERS!, ...sasl(mechanism, 'not-the-password') });
      expect(chain(error)).toMatch(/authentication failed|Authentication failed/i);
    }
  }, TIMEOUT);

  test('TLS verified against the CA: publish and consume through the bus', async () => {
    await roundTrip({ KAFKA_BROKERS: env.KAFKA_TLS_BROKERS!, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: env.KAFKA_TLS_CA_FILE! });
  }, TIMEOUT);

  test('SASL_SSL with SCRAM-SHA-512, as managed clusters take it: publish and consume', async () => {
    await roundTrip({ KAFKA_BROKERS: env.KAFKA_SASL_TLS_BROKERS!, KAFKA_SSL_CA_FILE: env.KAFKA_TLS_CA_FILE!, ...sasl('scram-sha-512') });
  }, TIMEOUT);

  test('TLS trusting the wrong CA, or only the system authorities, is refused: the certificate is not trusted', async () => {
    for (const vars of [{ KAFKA_SSL_CA_FILE: join(scratch, 'other-ca.crt') }, { KAFKA_SSL: 'true' }] as Record<string, string>[]) {
      const error = await refusal({ KAFKA_BROKERS: env.KAFKA_TLS_BROKERS!, ...vars });
      expect(chain(error)).toMatch(/self[- ]signed|unable to (get|verify)|certificate/i);
    }
  }, TIMEOUT);
});
