/**
 * Every command a fault scenario sends, with the request id that becomes its events' correlation
 * id, so that afterwards each answer can be held against the event store: what was acknowledged
 * must be there exactly once, what was refused must not be there at all.
 */
import { ExpectedGraph, type ApiResponse, type Cluster } from '../harness/distributed';
import { friendPaths } from '../../src/modules/friend/contracts/http';

export type CommandStore = 'user' | 'friend';

/** What an answer promises about the command's event. */
export type Outcome = 'applied' | 'refused' | 'unknown';

/** Answers that promise nothing was written: the service decided so, or the gateway never forwarded. */
const REFUSALS = new Set([400, 404, 409, 412, 503]);

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'applied';
  if (REFUSALS.has(status)) return 'refused';
  // No answer, or one that may have come after a commit (the process died mid-request, the
  // gateway gave up waiting): the event may or may not exist, but never twice.
  return 'unknown';
}

export interface LedgerEntry {
  requestId: string;
  store: CommandStore;
  command: 'CreateUser' | 'UpdateUser' | 'AddFriend' | 'RemoveFriend';
  status: number;
  outcome: Outcome;
  /** From sending the request to the answer (or the failure), through the gateway. */
  ms: number;
  /** Why there was no answer, when there was none. */
  error?: string;
}

/** One request to an instance, bounded as the gateway's are, read like `Cluster.api` reads. */
async function direct(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<ApiResponse> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const etagVersion = (headers: Headers) => Number(/\d+/.exec(headers.get('etag') ?? '')?.[0] ?? NaN);

export class CommandLedger {
  readonly entries: LedgerEntry[] = [];
  /** The answer (status, body, headers) each command got, by request id: for checks beyond the status. */
  readonly answers = new Map<string, ApiResponse>();
  /** What the acknowledged commands alone imply: picks plausible commands (removes of existing pairs). */
  readonly model = new ExpectedGraph();
  private sent = 0;

  /** `tag` makes request ids unique across scenarios sharing a cluster. */
  constructor(
    private readonly cluster: Cluster,
    private readonly tag: string,
  ) {}

  /**
   * Commands go through the gateway, the public API; with `via` (an instance's origin) straight to
   * that instance instead, to see its own answer whatever the gateway would make of it.
   */
  async createUser(firstName: string, lastName: string, via?: string): Promise<{ status: number; id?: number }> {
    const res = await this.send('user', 'CreateUser', 'POST', '/user/v1/users', { firstName, lastName }, via);
    if (res.status !== 201) return { status: res.status };
    this.model.userCreated(res.body);
    return { status: 201, id: res.body.id };
  }

  async updateUser(id: number, firstName: string, lastName: string, via?: string): Promise<number> {
    const res = await this.send('user', 'UpdateUser', 'PUT', `/user/v1/users/${id}`, { id, firstName, lastName }, via);
    if (res.status === 200) this.model.userUpdated(res.body, etagVersion(res.headers));
    return res.status;
  }

  async addFriend(a: number, b: number, via?: string): Promise<number> {
    const res = await this.send('friend', 'AddFriend', 'POST', `/friend${friendPaths.addFriend(a, b)}`, undefined, via);
    if (res.status === 201) this.model.friendAdded(a, b);
    return res.status;
  }

  async removeFriend(a: number, b: number, via?: string): Promise<number> {
    const res = await this.send('friend', 'RemoveFriend', 'POST', `/friend${friendPaths.removeFriend(a, b)}`, undefined, via);
    if (res.status === 204) this.model.friendRemoved(a, b);
    return res.status;
  }

  /** Creates `count` users, several at a time; every one must be acknowledged. */
  async createUsers(count: number, prefix: string, concurrency = 8): Promise<number[]> {
    const ids: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const { status, id } = await this.createUser(`${prefix}${i}`, `Fault${prefix}`);
          if (id === undefined) throw new Error(`creating user ${prefix}${i} answered ${status}`);
          ids.push(id);
        }
      }),
    );
    return ids.sort((x, y) => x - y);
  }

  /** e.g. `{applied: 200, refused: 31, unknown: 2}` */
  outcomes(): Record<Outcome, number> {
    const counts: Record<Outcome, number> = { applied: 0, refused: 0, unknown: 0 };
    for (const e of this.entries) counts[e.outcome]++;
    return counts;
  }

  private async send(store: CommandStore, command: LedgerEntry['command'], method: string, path: string, body?: unknown, via?: string): Promise<ApiResponse> {
    const requestId = `${this.tag}-${++this.sent}`;
    const started = performance.now();
    const entry = (status: number, error?: string): LedgerEntry => ({
      requestId, store, command, status, outcome: outcomeOf(status), ms: Math.round(performance.now() - started), ...(error ? { error } : {}),
    });
    try {
      const headers = { 'x-request-id': requestId };
      // The gateway strips the service prefix (`/user`) before forwarding; an instance has none.
      const res = via ? await direct(via + path.replace(/^\/[a-z]+/, ''), method, body, headers) : await this.cluster.api(method, path, body, headers);
      this.entries.push(entry(res.status));
      this.answers.set(requestId, res);
      return res;
    } catch (error) {
      this.entries.push(entry(0, (error as Error).message));
      return { status: 0, body: undefined, headers: new Headers() };
    }
  }
}
