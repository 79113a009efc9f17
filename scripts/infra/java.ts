// The JDK and Maven that Kafka and Neo4j need, and jar folders resolved from Maven Central.
//
// Neo4j 5.26 supports Java 17 and 21 only, and Kafka 4.x needs 17+, so one JDK of 17 or 21 serves
// both. JAVA_HOME wins when it is one of those; otherwise /usr/lib/jvm is searched; otherwise
// Debian's openjdk-17 is installed. Resolved jars are cached twice: in ~/.m2 (Maven's own cache)
// and in the component's libs/ folder, which a marker file declares complete for one pom.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { aptInstall, ensureDir, InfraError, run, say, tail } from './lib.ts';
import { TIMEOUTS } from './settings.ts';

const SUPPORTED = [17, 21];

function javaMajor(home: string): number | undefined {
  try {
    const m = /JAVA_VERSION="(\d+)/.exec(readFileSync(`${home}/release`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function findJdk(): string | undefined {
  const candidates = [process.env.JAVA_HOME, ...listJvms()].filter((h): h is string => !!h);
  return candidates.find((h) => existsSync(`${h}/bin/javac`) && SUPPORTED.includes(javaMajor(h) ?? 0));
}

function listJvms(): string[] {
  try {
    // Prefer 17 (the default here) over 21: sort by version, lowest supported first.
    return readdirSync('/usr/lib/jvm').map((d) => `/usr/lib/jvm/${d}`)
      .sort((a, b) => (javaMajor(a) ?? 99) - (javaMajor(b) ?? 99));
  } catch {
    return [];
  }
}

let jdk: Promise<string> | undefined;
/** JAVA_HOME of a JDK 17 or 21, installing Debian's openjdk-17 when none is found. */
export function javaHome(component: string): Promise<string> {
  jdk ??= (async () => {
    const found = findJdk();
    if (found) return found;
    await aptInstall(component, ['openjdk-17-jdk-headless']);
    const installed = findJdk();
    if (!installed) throw new InfraError(`${component}: no JDK ${SUPPORTED.join(' or ')} found even after installing openjdk-17-jdk-headless`);
    return installed;
  })();
  return jdk;
}

let maven: Promise<string> | undefined;
export function mvn(component: string): Promise<string> {
  maven ??= (async () => {
    const found = Bun.which('mvn');
    if (found) return found;
    await aptInstall(component, ['maven']);
    const installed = Bun.which('mvn');
    if (!installed) throw new InfraError(`${component}: mvn not found even after installing Debian's maven`);
    return installed;
  })();
  return maven;
}

// Pinned so a cold machine fetches one known plugin rather than Maven 3.8's ancient default.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * Copies a pom's runtime dependencies into `libs` unless `libs/.complete` already records the
 * same pom. A partial copy (an interrupted run) has no marker and is redone from scratch.
 */
export async function resolveJars(component: string, pom: string, libs: string, log: string): Promise<'cached' | 'resolved'> {
  const pomText = readFileSync(pom, 'utf8');
  const marker = `${libs}/.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pomText) return 'cached';
  rmSync(libs, { recursive: true, force: true });
  ensureDir(libs);
  const [home, mvnBin] = await Promise.all([javaHome(component), mvn(component)]);
  say(component, `resolving jars from Maven Central (mvn, log ${log})`);
  const started = Date.now();
  const res = await run([mvnBin, '-B', '--no-transfer-progress', '-f', pom,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], {
    timeoutS: TIMEOUTS.mavenResolve, env: { JAVA_HOME: home }, logFile: log,
  });
  if (res.code !== 0) {
    throw new InfraError(`${component}: mvn copy-dependencies failed (exit ${res.code}); read ${log}\n${tail(log, 25)}`);
  }
  const count = readdirSync(libs).filter((f) => f.endsWith('.jar')).length;
  writeFileSync(marker, pomText);
  say(component, `${count} jars in ${libs} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return 'resolved';
}
