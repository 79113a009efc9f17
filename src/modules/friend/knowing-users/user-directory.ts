import { inArray } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { ServiceLocator } from '../../../platform/discovery/service-locator';
import { gone, notFound, unavailable } from '../../../platform/errors';
import type { InternalAuth } from '../../../platform/http/internal-auth';
import type { Fetch } from '../../../platform/http/local-fetch';
import { userPaths } from '../../user/contracts/http';
import { knownUsers } from '../schema';

/**
 * Answers "do these users exist?" for friendship integrity. The local replica (fed by user events)
 * answers almost always; a user created a moment ago whose event has not arrived yet is confirmed
 * through the user service's HTTP contract, then remembered.
 */
export class UserDirectory {
  constructor(
    private readonly db: Db,
    private readonly locator: ServiceLocator,
    private readonly fetch: Fetch,
    /** With user authentication on, the user service answers only callers with a credential. */
    private readonly internalAuth?: Pick<InternalAuth, 'callHeaders'>,
  ) {}

  /** `traceparent` goes along with a question to the user service, so its logs join the trace. */
  async assertExist(userIds: readonly number[], traceparent?: string): Promise<void> {
    const rows = await this.db.select().from(knownUsers).where(inArray(knownUsers.id, [...userIds]));
    const known = new Set(rows.map((r) => r.id));
    for (const id of userIds) {
      if (known.has(id)) continue;
      if (!(await this.askUserService(id, traceparent))) throw notFound(`user ${id} does not exist`);
      await this.remember([id]);
    }
  }

  /**
   * Those of these users the replica no longer holds: erased since they were checked (only an
   * erasure takes a user out of the replica).
   */
  async forgottenOf(userIds: readonly number[]): Promise<number[]> {
    const rows = await this.db.select().from(knownUsers).where(inArray(knownUsers.id, [...userIds]));
    const known = new Set(rows.map((r) => r.id));
    return userIds.filter((id) => !known.has(id));
  }

  async remember(userIds: readonly number[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.insert(knownUsers).values(userIds.map((id) => ({ id }))).onConflictDoNothing();
  }

  private async askUserService(userId: number, traceparent?: string): Promise<boolean> {
    const instance = await this.locator.pick('user').catch(() => undefined);
    if (!instance) throw unavailable('the user service is unavailable; cannot check that the users exist');
    let res: Response;
    try {
      const headers = { ...(traceparent ? { traceparent } : {}), ...(await this.internalAuth?.callHeaders('user')) };
      res = await this.fetch(new Request(instance.url + userPaths.user(userId), { headers, signal: AbortSignal.timeout(3_000) }));
    } catch {
      this.locator.invalidate('user', instance);
      throw unavailable('the user service did not answer; cannot check that the users exist');
    }
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    if (res.status === 410) throw gone(`user ${userId} was erased`);
    throw unavailable(`the user service answered ${res.status}; cannot check that the users exist`);
  }
}
