import { inArray } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { notFound } from '../../../platform/errors';
import type { UserServiceClient } from '../../user/contracts/user-client';
import { knownUsers } from '../schema';

/**
 * Answers "do these users exist?" for friendship integrity. The local replica (fed by user events)
 * answers almost always; a user created a moment ago whose event has not arrived yet is confirmed
 * through the user service's HTTP contract, then remembered.
 */
export class UserDirectory {
  constructor(
    private readonly db: Db,
    private readonly userService: UserServiceClient,
  ) {}

  /** `traceparent` goes along with a question to the user service, so its logs join the trace. */
  async assertExist(userIds: readonly number[], traceparent?: string): Promise<void> {
    const rows = await this.db.select().from(knownUsers).where(inArray(knownUsers.id, [...userIds]));
    const known = new Set(rows.map((r) => r.id));
    for (const id of userIds) {
      if (known.has(id)) continue;
      if (!(await this.userService.exists(id, traceparent))) throw notFound(`user ${id} does not exist`);
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
}
