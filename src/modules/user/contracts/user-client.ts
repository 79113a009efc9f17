import { ServiceLocator } from '../../../platform/discovery/service-locator';
import { gone, unavailable } from '../../../platform/errors';
import type { InternalAuth } from '../../../platform/http/internal-auth';
import type { Fetch } from '../../../platform/http/local-fetch';
import type { Logger } from '../../../platform/log';
import { userPaths, type UserNames } from './http';

/** Ids per request: keeps the URL short (about 2 KB), well below any server's limit. */
const IDS_PER_REQUEST = 200;
const TIMEOUT_MS = 3_000;
/** How long a list of the user service's instances is used before discovery is asked again. */
const DISCOVERY_REFRESH_MS = 1_000;

/** How a module reaches the user service: through discovery, with its credential when authentication is on. */
export interface UserServiceAccess {
  fetch: Fetch;
  discoveryUrl: string;
  /** Discovery's shared secret, needed to list the user service's instances. */
  discoveryToken?: string;
  discoveryRefreshMs?: number;
  internalAuth?: Pick<InternalAuth, 'callHeaders'>;
  log: Logger;
}

/** A client of the user service, finding its instances through discovery. */
export function userServiceClient({ fetch, discoveryUrl, discoveryToken, discoveryRefreshMs = DISCOVERY_REFRESH_MS, internalAuth, log }: UserServiceAccess): UserServiceClient {
  const locator = new ServiceLocator(fetch, discoveryUrl, discoveryRefreshMs, { token: discoveryToken, log: log.child({ component: 'locator' }) });
  return new UserServiceClient(locator, fetch, internalAuth);
}

/**
 * What other modules ask the user service, over its HTTP contract: an instance found through
 * discovery (in the all-in-one too, where it is this process's own port). With user
 * authentication on, each call carries this service's internal credential, which the user service
 * accepts for reads only. An unreachable service is a 503 for the caller's caller.
 */
export class UserServiceClient {
  constructor(
    private readonly locator: Pick<ServiceLocator, 'pick' | 'invalidate'>,
    private readonly fetch: Fetch,
    /** With user authentication on, the user service answers only callers with a credential. */
    private readonly internalAuth?: Pick<InternalAuth, 'callHeaders'>,
  ) {}

  /** Whether the user was ever created; a 410 problem once erased. `traceparent` joins the trace. */
  async exists(userId: number, traceparent?: string): Promise<boolean> {
    const res = await this.get(userPaths.user(userId), 'cannot check that the users exist', traceparent);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    if (res.status === 410) throw gone(`user ${userId} was erased`);
    throw unavailable(`the user service answered ${res.status}; cannot check that the users exist`);
  }

  /** The names of these users, and which of them are erased: as few requests as the URL length allows, sent together. */
  async names(userIds: readonly number[], traceparent?: string): Promise<UserNames> {
    const slices: number[][] = [];
    for (let i = 0; i < userIds.length; i += IDS_PER_REQUEST) slices.push(userIds.slice(i, i + IDS_PER_REQUEST));
    const parts = await Promise.all(
      slices.map(async (ids) => {
        const res = await this.get(userPaths.names(ids), 'cannot read user names', traceparent);
        if (res.status !== 200) throw unavailable(`the user service answered ${res.status}; cannot read user names`);
        return (await res.json()) as UserNames;
      }),
    );
    return { users: parts.flatMap((p) => p.users), erased: parts.flatMap((p) => p.erased) };
  }

  private async get(path: string, consequence: string, traceparent?: string): Promise<Response> {
    const instance = await this.locator.pick('user').catch(() => undefined);
    if (!instance) throw unavailable(`the user service is unavailable; ${consequence}`);
    try {
      const headers = { ...(traceparent ? { traceparent } : {}), ...(await this.internalAuth?.callHeaders('user')) };
      return await this.fetch(new Request(instance.url + path, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) }));
    } catch {
      this.locator.invalidate('user', instance);
      throw unavailable(`the user service did not answer; ${consequence}`);
    }
  }
}
