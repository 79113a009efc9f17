// PostgreSQL from Debian's packages, with a cluster of our own in .infra/postgres/data.
//
// initdb and postgres refuse to run as root, so as root both run as the `postgres` OS user (made
// by Debian's package) through runuser, and that user owns .infra/postgres. The cluster listens on
// TCP 127.0.0.1 only, with no Unix socket: a socket path under a deep checkout can exceed the
// 107-byte limit, and /var/run/postgresql belongs to the system cluster.
import { chmodSync, existsSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Component, Running } from './component.ts';
import { aptInstall, asUser, cmdline, ensureDir, InfraError, isAlive, isRoot, pidFile, run, say, tail, waitUntil, writeIfChanged } from './lib.ts';
import { HOST, INFRA, POSTGRES, TIMEOUTS } from './settings.ts';
import { serverCertificate } from './tls.ts';

const DIR = `${INFRA}/postgres`;
const DATA = `${DIR}/data`;
const LOG = `${DIR}/postgres.log`;

/** Settings for a small test cluster. Durability stays on: the tests prove acknowledged events survive. */
export function postgresConf(): string {
  return `# Written by scripts/infra/postgres.ts at every start; edit there.
listen_addresses = '${HOST}'
port = ${POSTGRES.port}
unix_socket_directories = ''
max_connections = 200
shared_buffers = 32MB
work_mem = 4MB
maintenance_work_mem = 32MB
max_wal_size = 256MB
fsync = on
synchronous_commit = on
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
# TLS with a certificate of the local CA (.infra/tls/ca.crt): clients choose with sslmode.
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
`;
}

/** The application's role uses a password; the superuser is trusted from loopback for set-up. */
export function pgHba(): string {
  return `# Written by scripts/infra/postgres.ts at every start; edit there.
# TYPE  DATABASE  USER      ADDRESS        METHOD
host    all       postgres  ${HOST}/32   trust
host    all       all       ${HOST}/32   scram-sha-256
`;
}

/** Role and databases, each created only if missing; `\gexec` runs the generated statements. */
export function setupSql(): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const dbs = POSTGRES.databases.map(q).join(', ');
  return `SELECT format('CREATE ROLE %I LOGIN', ${q(POSTGRES.user)}) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${q(POSTGRES.user)}) \\gexec
ALTER ROLE "${POSTGRES.user}" WITH LOGIN CREATEDB PASSWORD ${q(POSTGRES.password)};
SELECT format('CREATE DATABASE %I OWNER %I', d, ${q(POSTGRES.user)}) FROM unnest(ARRAY[${dbs}]) AS d WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \\gexec
`;
}

function versionDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

/** The directory holding initdb, pg_ctl, postgres, psql and pg_isready, newest version first. */
function findBin(): string | undefined {
  const need = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_isready'];
  const onPath = Bun.which('initdb');
  const dirs = [...versionDirs(), ...(onPath ? [dirname(realpathSync(onPath))] : [])];
  return dirs.find((d) => need.every((b) => existsSync(`${d}/${b}`)));
}

let binDir: string | undefined;
async function bin(): Promise<string> {
  binDir ??= findBin();
  if (!binDir) {
    await aptInstall('postgres', ['postgresql']);
    binDir = findBin();
    if (!binDir) throw new InfraError('postgres: no server binaries (initdb, pg_ctl, postgres) even after apt-get install postgresql');
  }
  return binDir;
}

async function ensureOsUser(): Promise<void> {
  if (!isRoot()) return;
  if ((await run(['id', '-u', POSTGRES.osUser], { timeoutS: 10 })).code === 0) return;
  say('postgres', `creating OS user ${POSTGRES.osUser}`);
  const res = await run(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES.osUser], { timeoutS: 30 });
  if (res.code !== 0) throw new InfraError(`postgres: useradd ${POSTGRES.osUser} failed: ${res.stderr.trim()}`);
}

function postmasterPid(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(`${DATA}/postmaster.pid`, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && isAlive(pid) && cmdline(pid).includes(DATA) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function prepare(): Promise<void> {
  const b = await bin();
  await ensureOsUser();
  ensureDir(DIR);
  if (isRoot()) {
    const res = await run(['chown', '-R', `${POSTGRES.osUser}:${POSTGRES.osUser}`, DIR], { timeoutS: 60 });
    if (res.code !== 0) throw new InfraError(`postgres: chown ${DIR} failed: ${res.stderr.trim()}`);
    // Every parent must be searchable by that user (a checkout under /root usually is not).
    const probe = await run(asUser(POSTGRES.osUser, ['test', '-w', DIR]), { timeoutS: 10 });
    if (probe.code !== 0) throw new InfraError(`postgres: OS user ${POSTGRES.osUser} cannot write ${DIR}; make its parent folders searchable (chmod o+x) or move the checkout`);
  }
  const major = (await run([`${b}/pg_ctl`, '--version'], { timeoutS: 10 })).stdout.match(/(\d+)\./)?.[1];
  if (existsSync(`${DATA}/PG_VERSION`)) {
    const dataMajor = readFileSync(`${DATA}/PG_VERSION`, 'utf8').trim();
    if (major && dataMajor !== major) {
      throw new InfraError(`postgres: ${DATA} was made by PostgreSQL ${dataMajor} but the binaries are ${major}; remove it (rm -rf ${DIR}) to start afresh`);
    }
  } else {
    rmSync(DATA, { recursive: true, force: true }); // a half-made cluster from an interrupted run
    say('postgres', `initdb ${DATA} (PostgreSQL ${major ?? '?'} from ${b})`);
    // Data checksums: a damaged page then fails its read with an error naming the block, instead
    // of being served as garbage (the default from PostgreSQL 18 on, asked for here for older ones).
    const res = await run(asUser(POSTGRES.osUser, [`${b}/initdb`, '-D', DATA, '-U', 'postgres', '--encoding=UTF8', '--locale=C',
      '--auth=trust', '--data-checksums', '--no-sync', '--no-instructions']), { timeoutS: 120, logFile: LOG });
    if (res.code !== 0) throw new InfraError(`postgres: initdb failed (exit ${res.code}); read ${LOG}\n${tail(LOG)}`);
  }
  // Our settings live in their own file, included once from the stock postgresql.conf.
  await installCertificate();
  writeIfChanged(`${DATA}/infra.conf`, postgresConf());
  writeIfChanged(`${DATA}/pg_hba.conf`, pgHba());
  const conf = readFileSync(`${DATA}/postgresql.conf`, 'utf8');
  if (!conf.includes("include 'infra.conf'")) writeFileSync(`${DATA}/postgresql.conf`, `${conf}\ninclude 'infra.conf'\n`);
  // Files written above (and initdb's output in the log) were made by root: hand them over.
  if (isRoot()) await run(['chown', '-R', `${POSTGRES.osUser}:${POSTGRES.osUser}`, DIR], { timeoutS: 60 });
}

/** The server's key must belong to the server's OS user and be readable by it alone, or it refuses to start. */
async function installCertificate(): Promise<void> {
  const { cert, key } = await serverCertificate('postgres');
  writeIfChanged(`${DATA}/server.crt`, readFileSync(cert, 'utf8'));
  writeIfChanged(`${DATA}/server.key`, readFileSync(key, 'utf8'));
  chmodSync(`${DATA}/server.key`, 0o600);
  if (isRoot()) await run(['chown', `${POSTGRES.osUser}:${POSTGRES.osUser}`, `${DATA}/server.crt`, `${DATA}/server.key`, `${DATA}/infra.conf`], { timeoutS: 10 });
}

/**
 * A cluster of ours started before TLS was configured gets it without a restart: the ssl settings
 * are read again on reload.
 */
async function ensureSsl(b: string): Promise<void> {
  const psql = [`${b}/psql`, '-h', HOST, '-p', String(POSTGRES.port), '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-t', '-A', '-c', 'SHOW ssl'];
  if ((await run(psql, { timeoutS: 30 })).stdout.trim() === 'on' || postmasterPid() === undefined) return;
  say('postgres', 'turning TLS on (reload)');
  await installCertificate();
  writeIfChanged(`${DATA}/infra.conf`, postgresConf());
  if (isRoot()) await run(['chown', `${POSTGRES.osUser}:${POSTGRES.osUser}`, `${DATA}/infra.conf`], { timeoutS: 10 });
  const res = await run(asUser(POSTGRES.osUser, [`${b}/pg_ctl`, 'reload', '-D', DATA, '-s']), { timeoutS: 30 });
  for (let i = 0; i < 25 && (await run(psql, { timeoutS: 30 })).stdout.trim() !== 'on'; i++) await Bun.sleep(200);
  if (res.code !== 0 || (await run(psql, { timeoutS: 30 })).stdout.trim() !== 'on') throw new InfraError(`postgres: could not turn TLS on; read ${LOG}\n${tail(LOG)}`);
}

async function start(): Promise<void> {
  const b = await bin();
  // pg_ctl puts the postmaster in its own session and waits (-w) until it accepts connections.
  const res = await run(asUser(POSTGRES.osUser, [`${b}/pg_ctl`, 'start', '-D', DATA, '-l', LOG, '-w', '-t', String(TIMEOUTS.postgresReady), '-s']), {
    timeoutS: TIMEOUTS.postgresReady + 10,
  });
  if (res.code !== 0) throw new InfraError(`postgres: pg_ctl start failed (exit ${res.code}: ${res.stderr.trim()}); read ${LOG}\n${tail(LOG)}`);
  const pid = postmasterPid();
  if (pid !== undefined) writeFileSync(pidFile('postgres'), `${pid}\n`);
}

async function probe(): Promise<true | string> {
  const b = await bin();
  const res = await run([`${b}/pg_isready`, '-h', HOST, '-p', String(POSTGRES.port), '-t', '2'], { timeoutS: 10 });
  return res.code === 0 ? true : res.stdout.trim() || `pg_isready exit ${res.code}`;
}

async function ready(timeoutS: number): Promise<void> {
  await waitUntil('postgres', timeoutS, probe, () => postmasterPid() !== undefined, LOG);
  const b = await bin();
  const res = await run([`${b}/psql`, '-h', HOST, '-p', String(POSTGRES.port), '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1'], {
    timeoutS: 60, input: setupSql(),
  });
  if (res.code !== 0) throw new InfraError(`postgres: creating role ${POSTGRES.user} and databases failed: ${res.stderr.trim()}`);
  await ensureSsl(b);
}

async function stop(): Promise<string> {
  const pid = postmasterPid();
  rmSync(pidFile('postgres'), { force: true });
  if (pid === undefined) return 'not running';
  const b = await bin();
  const fast = await run(asUser(POSTGRES.osUser, [`${b}/pg_ctl`, 'stop', '-D', DATA, '-m', 'fast', '-t', String(TIMEOUTS.stop), '-s']), { timeoutS: TIMEOUTS.stop + 10 });
  if (fast.code === 0) return `stopped (pid ${pid})`;
  await run(asUser(POSTGRES.osUser, [`${b}/pg_ctl`, 'stop', '-D', DATA, '-m', 'immediate', '-t', '30', '-s']), { timeoutS: 40 });
  return postmasterPid() === undefined ? `stopped with -m immediate after -m fast failed (${fast.stderr.trim()})` : `FAILED to stop pid ${pid}; read ${LOG}`;
}

async function version(): Promise<string> {
  const b = findBin();
  if (!b) return 'not installed';
  const out = (await run([`${b}/postgres`, '--version'], { timeoutS: 10 })).stdout;
  return `PostgreSQL ${/\) (\S+)/.exec(out)?.[1] ?? out.trim()}`;
}

export const postgres: Component = {
  name: 'postgres',
  endpoint: `${HOST}:${POSTGRES.port}`,
  port: POSTGRES.port,
  log: LOG,
  readyTimeoutS: TIMEOUTS.postgresReady,
  running: (): Running => {
    const pid = postmasterPid();
    return pid === undefined ? undefined : { pid };
  },
  ownsPid: (pid) => cmdline(pid).includes(DATA),
  prepare,
  start,
  probe,
  ready,
  stop,
  version,
};
