import { eventually, freePorts, spawnChild, type RunningProcess, entrypointFile } from '../kits/processes';

/** Starts `all-in-one.ts` as a child process on free ports and talks to it only through the gateway. */
export interface System {
  process: RunningProcess;
  gateway: string;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
}

const entrypoint = entrypointFile('all-in-one');

export function systemEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const [gateway, discovery, user, friend, recommendation] = freePorts(5);
  return {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    GATEWAY_PORT: String(gateway),
    DISCOVERY_PORT: String(discovery),
    USER_PORT: String(user),
    FRIEND_PORT: String(friend),
    RECOMMENDATION_PORT: String(recommendation),
    HEARTBEAT_INTERVAL_MS: '300',
    GATEWAY_REFRESH_MS: '200',
    ...extra,
  };
}

export async function startSystem(env: Record<string, string>): Promise<System> {
  const process = spawnChild(entrypoint, env);
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const api: System['api'] = async (method, path, body, headers = {}) => {
    const res = await fetch(gateway + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  try {
    await eventually('every module healthy through the gateway', async () => {
      if (process.proc.exitCode !== null) throw new Error('exited');
      const checks = await Promise.all(['/user', '/friend', '/recommendation'].map((p) => fetch(`${gateway}${p}/actuator/health`)));
      return checks.every((r) => r.status === 200);
    }, 60_000);
  } catch (error) {
    process.proc.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- output ---\n${process.output()}`);
  }
  return { process, gateway, api };
}
