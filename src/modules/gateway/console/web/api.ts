/**
 * Calls through the gateway. Remembers the `Consistency-Token` of the last command answer and
 * sends it with every read after, so a read right after a command reflects it (harmless when the
 * services do not issue tokens). With AUTH_MODE=jwt it sends the bearer token the user entered.
 */
export const session = {
  token: '',
  consistency: '',
  /** Told of every 401 and 403, from any call or the event stream, so the page can say why. */
  onRefused: (_status: number, _detail: string) => {},
};

export class ApiError extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
  }
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (session.token) h.authorization = `Bearer ${session.token}`;
  if (session.consistency) h['consistency-token'] = session.consistency;
  return h;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const token = res.headers.get('consistency-token');
  if (token && method !== 'GET') session.consistency = token;
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const error = new ApiError(res.status, parsed?.detail ?? parsed?.title ?? `${res.status} ${res.statusText}`);
    if (res.status === 401 || res.status === 403) session.onRefused(res.status, error.message);
    throw error;
  }
  return parsed as T;
}

export interface User { id: number; firstName: string | null; lastName: string | null }
export interface Friend { id: number; userId: number; friendId: number }
export interface Recommendation { user: User; weight: number }

export const api = {
  search: (name: string, limit = 20) => call<User[]>('GET', `/user/v1/users?name=${encodeURIComponent(name)}&limit=${limit}`),
  user: (id: number) => call<User>('GET', `/user/v1/users/${id}`),
  create: (firstName: string, lastName: string) => call<User>('POST', '/user/v1/users', { firstName, lastName }),
  rename: (id: number, firstName: string, lastName: string) => call<User>('PUT', `/user/v1/users/${id}`, { id, firstName, lastName }),
  friends: (id: number, limit: number, after = 0) => call<Friend[]>('GET', `/friend/v1/users/${id}/friends?limit=${limit}${after ? `&after=${after}` : ''}`),
  addFriend: (id: number, friendId: number) => call<Friend>('POST', `/friend/v1/users/${id}/commands/addFriend?friendId=${friendId}`),
  removeFriend: (id: number, friendId: number) => call<void>('POST', `/friend/v1/users/${id}/commands/removeFriend?friendId=${friendId}`),
  recommend: (id: number, limit: number) => call<Recommendation[]>('GET', `/recommendation/v1/users/${id}/commands/recommendFriends?limit=${limit}`),
  mutual: (id: number, friendId: number, limit: number) => call<User[]>('GET', `/recommendation/v1/users/${id}/commands/findMutualFriends?friendId=${friendId}&limit=${limit}`),
  system: () => call<any>('GET', '/console/api/system'),
};

export const nameOf = (u: User) => [u.firstName, u.lastName].filter(Boolean).join(' ') || `user ${u.id}`;
