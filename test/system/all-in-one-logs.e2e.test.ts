import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { collectOutput, embeddedEnvironment, eventually, tempDir, entrypointFile } from '../kits/processes';
import { systemEnv } from '../harness/all-in-one';

/**
 * The log format the all-in-one picks: human lines and a start banner on a terminal, JSON lines
 * otherwise, LOG_FORMAT over both. The terminal is a real pseudo-terminal: util-linux's `script`
 * runs the process on one and copies what it writes.
 */
const entrypoint = entrypointFile('all-in-one');
const dirs: string[] = [];
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(onTerminal: boolean, extra: Record<string, string>) {
  const dir = tempDir('all-in-one-logs-');
  dirs.push(dir);
  // The test's own shell chooses nothing here.
  const { NO_COLOR, LOG_FORMAT, ...inherited } = embeddedEnvironment();
  const env = { ...inherited, ...systemEnv(dir, extra) };
  const command = onTerminal ? ['script', '-qfec', `bun ${entrypoint}`, '/dev/null'] : ['bun', entrypoint];
  const proc = Bun.spawn(command, { env, stdin: onTerminal ? 'pipe' : 'ignore', stdout: 'pipe', stderr: 'pipe' });
  stops.push(async () => {
    proc.kill('SIGTERM');
    await proc.exited;
  });
  const output = collectOutput(proc);
  // A terminal ends lines with \r\n.
  const lines = () => output().replaceAll('\r', '').split('\n').filter(Boolean);
  await eventually('the ready line', async () => {
    if (proc.exitCode !== null) throw new Error(`exited:\n${output()}`);
    return /ready/.test(output()) && (!onTerminal || extra.LOG_FORMAT === 'json' || /Stop /.test(output()));
  }, 60_000);
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  return { lines, gateway };
}

const human = /^\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO |WARN |ERROR) [a-z-]+ {2}\S/;
const stripColour = (line: string) => line.replaceAll(/\x1b\[[0-9;]*m/g, '');

describe.skipIf(!Bun.which('script'))('on a terminal', () => {
  test('human lines in colour, a banner with the URLs, and why a 404 happened at debug', async () => {
    const { lines, gateway } = await start(true, { LOG_LEVEL: 'debug' });
    const logLines = lines().filter((line) => /^(\x1b\[[0-9;]*m)?\d\d:/.test(line));
    expect(logLines.length).toBeGreaterThan(5);
    for (const line of logLines) expect(stripColour(line)).toMatch(human);
    expect(logLines.some((line) => line.includes('\x1b['))).toBe(true);
    expect(lines().some((line) => line.startsWith('{'))).toBe(false);

    const banner = lines().map(stripColour).join('\n');
    expect(banner).toContain(`Gateway     ${gateway}\n`);
    expect(banner).toContain(`Swagger UI  ${gateway}/swagger\n`);
    expect(banner).toContain(`Health      ${gateway}/actuator/health\n`);
    expect(banner).toContain('Stop        Ctrl+C');

    const res = await fetch(`${gateway}/friend/v1/users/1/commands/addFriend?friendId=99`, { method: 'POST' });
    expect(res.status).toBe(404);
    const trace = res.headers.get('x-trace-id')!;
    await eventually('the access lines of the 404', async () => lines().filter((line) => line.includes(trace)).length >= 3, 10_000);
    const access = lines().map(stripColour).filter((line) => line.includes(trace));
    // One line per hop, each saying why: the gateway's, friend's, and user's for friend's check.
    expect(access.find((line) => line.includes(' gateway  POST /friend/v1/users/1/commands/addFriend 404 '))).toContain('DEBUG');
    expect(access.find((line) => line.includes(' friend  POST /v1/users/1/commands/addFriend 404 '))).toContain('detail="user 1 does not exist"');
    expect(access.find((line) => line.includes(' user  GET /v1/users/1 404 '))).toContain('detail="user 1 does not exist"');
    for (const line of access) expect(line).toMatch(/^\S+ DEBUG .* detail="user 1 does not exist" trace=[0-9a-f]{32}$/);
  }, 90_000);

  test('LOG_FORMAT=json gives JSON lines and no banner there too', async () => {
    const { lines } = await start(true, { LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    expect(lines().length).toBeGreaterThan(5);
    for (const line of lines()) expect(() => JSON.parse(line), JSON.stringify(line)).not.toThrow();
    expect(lines().join('\n')).not.toContain('Swagger UI');
  }, 90_000);
});

test('without a terminal every line is JSON, no banner; at debug each hop of a 404 says why', async () => {
  const { lines, gateway } = await start(false, { LOG_LEVEL: 'debug' });
  const res = await fetch(`${gateway}/friend/v1/users/1/commands/addFriend?friendId=99`, { method: 'POST' });
  const trace = res.headers.get('x-trace-id')!;
  await eventually('the access lines of the 404', async () => lines().filter((line) => line.includes(trace)).length >= 3, 10_000);
  const parsed = lines().map((line) => JSON.parse(line));
  expect(parsed.find((l) => l.msg === 'ready').urls.gateway).toBe(gateway);
  expect(lines().join('\n')).not.toContain('Swagger UI');
  const access = parsed.filter((l) => l.traceId === trace && l.msg === 'request');
  expect(access.map((l) => [l.module, l.status, l.level, l.detail]).sort()).toEqual([
    ['friend', 404, 'debug', 'user 1 does not exist'],
    ['gateway', 404, 'debug', 'user 1 does not exist'],
    ['user', 404, 'debug', 'user 1 does not exist'],
  ]);
}, 90_000);
