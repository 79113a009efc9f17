/**
 * `<binary> --health`: asks the running process's own health endpoints and exits 0 when every one
 * answers 200. It is the container HEALTHCHECK: the runtime image is distroless (no shell, no curl),
 * and the binary already carries an HTTP client.
 *
 * It asks readiness, not liveness: Docker and Compose restart nothing on an unhealthy container,
 * they use the verdict for `depends_on: service_healthy`, which means "can serve". (Kubernetes
 * ignores HEALTHCHECK; the chart's probes ask each group on their own.)
 */
export const isHealthProbe = (argv: readonly string[] = process.argv) => argv.slice(2).includes('--health');

export async function probeHealth(urls: readonly string[], timeoutMs = 2_000): Promise<boolean> {
  const answers = await Promise.all(
    urls.map((url) => fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then((r) => r.status === 200, () => false)),
  );
  return answers.every(Boolean);
}

/** Where this process answers: a wildcard bind is reached on loopback. */
export function healthUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}/actuator/health/readiness`;
}
