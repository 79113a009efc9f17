// A thin client for the public API (DESIGN.md section 3), as seen through the gateway.
//
// Every call returns a result value instead of throwing, because for a load generator a 409 or a
// refused connection is data to count, not an exception to unwind. Each result carries its
// latency so the caller can build percentiles without timing code of its own.

import { friendPaths } from '../../src/modules/friend/contracts/http';

export interface User {
  id: number;
  firstName: string;
  lastName: string;
  createdAt?: string;
  lastModified?: string;
}

export interface Friend {
  id: number;
  userId: number;
  friendId: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface Recommendation {
  user: User;
  weight: number;
}

/** application/problem+json, as every error of the API is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
}

export type ApiResult<T> =
  /** `token`: the command's Consistency-Token; `waitedMs`: how long a read with a token waited (its Server-Timing). */
  | { kind: 'ok'; status: number; body: T; latencyMs: number; token?: string; waitedMs?: number }
  | { kind: 'http'; status: number; problem: Problem | undefined; latencyMs: number }
  | { kind: 'network'; error: string; latencyMs: number };

/** A short, human reason for a failed result (for logs and the summary). */
export function describeFailure(result: ApiResult<unknown>): string {
  if (result.kind === 'network') return `network error: ${result.error}`;
  if (result.kind === 'http') {
    const p = result.problem;
    return `HTTP ${result.status}${p?.title ? ` ${p.title}` : ''}${p?.detail ? `: ${p.detail}` : ''}`;
  }
  return `HTTP ${result.status}`;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    /** Per request; a hung gateway should surface as a counted network error, not a frozen run. */
    private readonly timeoutMs = 10_000,
  ) {}

  createUser(firstName: string, lastName: string): Promise<ApiResult<User>> {
    return this.request('POST', '/user/v1/users', hasId, { firstName, lastName });
  }

  getUser(id: number): Promise<ApiResult<User>> {
    return this.request('GET', `/user/v1/users/${id}`, hasId);
  }

  /** Reads that follow a command, sent with its token: they reflect it (or answer 503). */
  findMutualFriendsAfter(userId: number, friendId: number, token: string): Promise<ApiResult<User[]>> {
    return this.request('GET', `/recommendation/v1/users/${userId}/commands/findMutualFriends?friendId=${friendId}`, Array.isArray, undefined, { 'consistency-token': token });
  }

  addFriend(userId: number, friendId: number): Promise<ApiResult<Friend>> {
    return this.request('POST', `/friend${friendPaths.addFriend(userId, friendId)}`, hasId);
  }

  listFriends(userId: number, limit = 1000): Promise<ApiResult<Friend[]>> {
    return this.request('GET', `/friend${friendPaths.friendsOf(userId, limit)}`, Array.isArray);
  }

  findMutualFriends(userId: number, friendId: number): Promise<ApiResult<User[]>> {
    return this.request('GET', `/recommendation/v1/users/${userId}/commands/findMutualFriends?friendId=${friendId}`, Array.isArray);
  }

  recommendFriends(userId: number): Promise<ApiResult<Recommendation[]>> {
    return this.request('GET', `/recommendation/v1/users/${userId}/commands/recommendFriends`, Array.isArray);
  }

  /**
   * `isValid` checks the shape of a success body: a 2xx we cannot use (no id, not JSON) is reported
   * as kind 'network' - the broader sense of "no usable answer came back" - so it is counted as a
   * failure rather than crashing the caller later on `undefined.id`.
   */
  private async request<T>(method: string, path: string, isValid: (body: unknown) => boolean, body?: unknown, extra: Record<string, string> = {}): Promise<ApiResult<T>> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? { accept: 'application/json', ...extra } : { accept: 'application/json', 'content-type': 'application/json', ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Always read the body, even on errors: it frees the keep-alive connection for reuse, and
      // latency should include the full response, as a real client would experience it.
      const text = await res.text();
      const latencyMs = elapsed();
      const parsed = parseJson(text);
      if (res.ok) {
        if (isValid(parsed)) {
          const token = res.headers.get('consistency-token') ?? undefined;
          const waited = /consistency;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
          return { kind: 'ok', status: res.status, body: parsed as T, latencyMs, ...(token ? { token } : {}), ...(waited ? { waitedMs: Number(waited[1]) } : {}) };
        }
        return { kind: 'network', error: `malformed ${res.status} response to ${method} ${path}: ${text.slice(0, 120)}`, latencyMs };
      }
      return { kind: 'http', status: res.status, problem: isObject(parsed) ? (parsed as Problem) : undefined, latencyMs };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { kind: 'network', error: message, latencyMs: elapsed() };
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A proxy error page or similar: keep going, the status code still tells the story.
    return undefined;
  }
}

const hasId = (v: unknown): boolean => isObject(v) && typeof v.id === 'number';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
