// One request of the load tool. Lean on purpose: the client shares the machine with the server,
// so every microsecond it spends per request is one the server does not get.

export interface Outcome {
  /** HTTP status, or 0 when no answer came back (refused, reset, timed out). */
  status: number;
  latencyMs: number;
  /** Parsed JSON body of a 2xx answer when asked for, else undefined. */
  body?: unknown;
  error?: string;
  /** A command's Consistency-Token, when `wantToken`. */
  token?: string;
  /** How long a read with a token waited for the read model (its `Server-Timing: consistency;dur=`). */
  waitedMs?: number;
}

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Whether the caller needs the parsed body (e.g. a created user's id). */
  wantBody?: boolean;
  /** Tokens of earlier commands: the answer must reflect them (or be a 503). */
  consistencyToken?: string;
  wantToken?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const ACCEPT = { accept: 'application/json' };

export async function send(baseUrl: string, call: Call, timeoutMs = 10_000): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(baseUrl + call.path, {
      method: call.method,
      headers: call.consistencyToken ? { ...ACCEPT, 'consistency-token': call.consistencyToken } : call.body === undefined ? ACCEPT : JSON_HEADERS,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Always read the body: it frees the keep-alive connection, and a real client waits for it.
    const text = await response.text();
    const latencyMs = performance.now() - started;
    const extra: Pick<Outcome, 'token' | 'waitedMs'> = {};
    if (call.wantToken) extra.token = response.headers.get('consistency-token') ?? undefined;
    if (call.consistencyToken) {
      const waited = /consistency;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
      if (waited) extra.waitedMs = Number(waited[1]);
    }
    if (call.wantBody && response.ok) {
      try {
        return { status: response.status, latencyMs, body: JSON.parse(text), ...extra };
      } catch {
        return { status: 0, latencyMs, error: `malformed ${response.status} body: ${text.slice(0, 80)}` };
      }
    }
    return { status: response.status, latencyMs, ...extra };
  } catch (error) {
    return { status: 0, latencyMs: performance.now() - started, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
