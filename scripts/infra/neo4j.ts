// Neo4j Community from Maven Central, run by the project's launcher (deploy/neo4j-launcher/).
//
// No Neo4j tarball can be fetched here, so the launcher's pom pulls org.neo4j:neo4j (kernel,
// Cypher, Bolt server) into .infra/neo4j/libs, javac compiles Launcher.java against it, and the
// launcher starts the embedded DBMS with its Bolt connector. Authentication is ON, as in a real
// deployment: user neo4j, password from settings.ts, set by the launcher at start.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Component, Running } from './component.ts';
import { javaHome, resolveJars } from './java.ts';
import { cmdline, ensureDir, importClient, InfraError, livePid, run, say, spawnDetached, stopRecorded, tail, waitUntil, writeIfChanged } from './lib.ts';
import { HOST, INFRA, NEO4J, REPO, TIMEOUTS } from './settings.ts';
import { serverCertificate } from './tls.ts';

const SOURCE_DIR = `${REPO}/deploy/neo4j-launcher`;
const POM = `${SOURCE_DIR}/pom.xml`;
const SOURCE = `${SOURCE_DIR}/Launcher.java`;
const DIR = `${INFRA}/neo4j`; // the DBMS home: data/ and logs/ (debug.log) are made inside
const LIBS = `${DIR}/libs`;
const CLASSES = `${DIR}/classes`;
const CONF = `${DIR}/neo4j.conf`;
const LOG = `${DIR}/neo4j.log`;
/** Neo4j's SSL policy folder: the Bolt key and certificate, plus the (empty) trusted and revoked folders it expects. */
const BOLT_TLS = `${DIR}/certificates/bolt`;

/** The Neo4j version is the launcher pom's; settings.ts only documents the line. */
export function pomVersion(pomText: string): string {
  const v = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(pomText)?.[1];
  if (!v) throw new InfraError(`neo4j: no <neo4j.version> in ${POM}`);
  return v;
}

/** Server setting names, as in a neo4j.conf; unknown names are refused (strict validation). */
export function neo4jConf(boltTlsDir: string = BOLT_TLS): string {
  return `# Written by scripts/infra/neo4j.ts at every start; edit there.
server.default_listen_address=${HOST}
server.bolt.enabled=true
server.bolt.listen_address=${HOST}:${NEO4J.port}
server.bolt.advertised_address=${HOST}:${NEO4J.port}
# OPTIONAL: plaintext clients as before, and TLS (bolt+s with the local CA) on the same port.
server.bolt.tls_level=OPTIONAL
dbms.ssl.policy.bolt.enabled=true
dbms.ssl.policy.bolt.base_directory=${boltTlsDir}
dbms.ssl.policy.bolt.private_key=neo4j.key
dbms.ssl.policy.bolt.public_certificate=neo4j.crt
dbms.ssl.policy.bolt.client_auth=NONE
server.http.enabled=false
dbms.security.auth_enabled=true
# No lock-out after failed logins: probes that arrive before the launcher has set the password,
# or a test that tries a wrong one, must not lock the user out for the next tests.
dbms.security.auth_max_failed_attempts=0
# No usage reports: this machine reaches no outside host anyway.
dbms.usage_report.enabled=false
server.memory.pagecache.size=${NEO4J.pageCache}
db.memory.transaction.total.max=256m
# Transaction logs were preallocated at 256 MB each (two databases: half a gigabyte of zeros).
db.tx_log.preallocate=false
db.tx_log.rotation.size=64m
db.tx_log.rotation.retention_policy=100M size
# Netty's default 5 s quiet period, once per event-loop group, made every stop take 10 s.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
internal.dbms.bolt.netty_server_shutdown_timeout=5s
`;
}

/** Flags the Neo4j server's own start script passes on Java 17, plus a small heap. */
function jvmArgs(): string[] {
  return ['-Xms128m', NEO4J.heap, '-XX:+UseG1GC', '-XX:-OmitStackTraceInFastThrow', '-XX:+ExitOnOutOfMemoryError',
    '-XX:+UnlockExperimentalVMOptions', '-XX:+TrustFinalNonStaticFields', '-XX:+DisableExplicitGC',
    '-Djdk.nio.maxCachedBufferSize=1024', '-Dio.netty.tryReflectionSetAccessible=true', '-Dlog4j2.disable.jmx=true',
    '--add-opens=java.base/java.nio=ALL-UNNAMED', '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED', '-cp', `${LIBS}/*:${CLASSES}`];
}

/** javac once per version of Launcher.java and of the jars; the stamp records both. */
async function compile(home: string): Promise<void> {
  const stamp = `${readFileSync(POM, 'utf8')}\n${readFileSync(SOURCE, 'utf8')}`;
  const stampFile = `${CLASSES}/.stamp`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(CLASSES, { recursive: true, force: true });
  ensureDir(CLASSES);
  say('neo4j', `compiling ${SOURCE.slice(REPO.length + 1)}`);
  const res = await run([`${home}/bin/javac`, '--release', '17', '-cp', `${LIBS}/*`, '-d', CLASSES, SOURCE], { timeoutS: TIMEOUTS.javac });
  if (res.code !== 0) throw new InfraError(`neo4j: javac ${SOURCE} failed:\n${res.stderr.trim()}`);
  writeFileSync(stampFile, stamp);
}

async function prepare(): Promise<void> {
  ensureDir(DIR);
  await resolveJars('neo4j', POM, LIBS, `${DIR}/mvn.log`);
  await compile(await javaHome('neo4j'));
  const { cert, key } = await serverCertificate('neo4j');
  for (const sub of ['trusted', 'revoked']) ensureDir(`${BOLT_TLS}/${sub}`);
  writeIfChanged(`${BOLT_TLS}/neo4j.key`, readFileSync(key, 'utf8'));
  writeIfChanged(`${BOLT_TLS}/neo4j.crt`, readFileSync(cert, 'utf8'));
  writeIfChanged(CONF, neo4jConf());
}

/** A server of ours started before the current settings (e.g. without Bolt TLS) must restart. */
function outdated(): string | undefined {
  if (!running()) return undefined;
  try {
    return readFileSync(CONF, 'utf8') === neo4jConf() ? undefined : `${CONF} differs from the current settings (e.g. no Bolt TLS yet)`;
  } catch {
    return undefined;
  }
}

/** Where neo4j.log ended when we last started the launcher: its "ready" line comes after. */
let logOffset: number | undefined;

async function start(): Promise<void> {
  const java = `${await javaHome('neo4j')}/bin/java`;
  logOffset = existsSync(LOG) ? statSync(LOG).size : 0;
  const pid = await spawnDetached('neo4j', [java, ...jvmArgs(), 'Launcher', DIR, CONF], {
    log: LOG, cwd: DIR, env: { NEO4J_INITIAL_PASSWORD: NEO4J.password },
  });
  say('neo4j', `started pid ${pid} (log ${LOG})`);
}

type Neo4jDriver = typeof import('neo4j-driver');
let driverModule: Promise<Neo4jDriver> | undefined;

/** A Bolt session with neo4j-driver (the client the application uses) running RETURN 1. */
async function probe(): Promise<true | string> {
  driverModule ??= importClient('neo4j', () => import('neo4j-driver'), 'neo4j-driver');
  const neo4j = (await driverModule).default;
  const driver = neo4j.driver(`bolt://${HOST}:${NEO4J.port}`, neo4j.auth.basic(NEO4J.user, NEO4J.password), {
    connectionTimeout: 2000, connectionAcquisitionTimeout: 4000, maxConnectionPoolSize: 1,
  });
  const session = driver.session();
  try {
    // session.run is one auto-commit query with no retry loop (executeQuery would retry for 30 s).
    const result = await session.run('RETURN 1 AS one');
    const one = result.records[0]?.get('one');
    return Number(one) === 1 ? true : `RETURN 1 gave ${String(one)}`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await session.close().catch(() => {});
    await driver.close().catch(() => {});
  }
}

const running = (): Running => {
  const pid = livePid('neo4j', CONF);
  return pid === undefined ? undefined : { pid };
};

/**
 * Bolt opens a moment before the launcher has set the password, so right after a start we first
 * wait for the launcher's "ready" line: probing earlier only fills the log with failed logins.
 */
async function launcherReady(): Promise<true | string> {
  const text = readFileSync(LOG, 'utf8').slice(logOffset);
  return text.includes('[launcher] ready') ? true : 'the launcher has not printed "ready" yet';
}

async function ready(timeoutS: number): Promise<void> {
  const t0 = Date.now();
  const alive = () => running() !== undefined;
  if (logOffset !== undefined) await waitUntil('neo4j', timeoutS, launcherReady, alive, LOG);
  const left = Math.max(10, timeoutS - Math.round((Date.now() - t0) / 1000));
  await waitUntil('neo4j', left, probe, alive, LOG);
}

// SIGTERM runs the launcher's shutdown hook, which closes the databases (a clean checkpoint).
const stop = () => stopRecorded('neo4j', running()?.pid, TIMEOUTS.stop, LOG);

async function version(): Promise<string> {
  try {
    return `Neo4j Community ${pomVersion(readFileSync(POM, 'utf8'))}`;
  } catch {
    return `Neo4j Community ${NEO4J.line}`;
  }
}

export const neo4j: Component = {
  name: 'neo4j',
  endpoint: `${HOST}:${NEO4J.port}`,
  port: NEO4J.port,
  log: LOG,
  readyTimeoutS: TIMEOUTS.neo4jReady,
  running,
  outdated,
  ownsPid: (pid) => cmdline(pid).includes(CONF),
  prepare,
  start,
  probe,
  ready,
  stop,
  version,
};
