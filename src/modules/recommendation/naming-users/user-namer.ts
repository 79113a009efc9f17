import { ConsistencyError } from '../../../platform/consistency/consistency-gate';
import type { Logger } from '../../../platform/log';
import type { UserNames } from '../../user/contracts/http';
import type { RecommendationUser } from '../contracts/http';
import type { GraphUser } from '../graph/social-graph';
import type { CachedNames, NameCache } from './name-cache';

interface Read {
  names: ReadonlyMap<number, CachedNames>;
  erased: ReadonlySet<number>;
}
const NOTHING_READ: Read = { names: new Map(), erased: new Set() };
/** Users per version look-up of a sweep: one indexed query each. */
const SWEEP_SLICE = 1000;

/** Asks the user service for names (user/contracts/user-client.ts in the running service). */
export type NameSource = (userIds: readonly number[], traceparent?: string) => Promise<UserNames>;

/**
 * Puts names on the users of an answer. The graph and the log hold none: names come from the user
 * service and are kept in memory only, each with the version of the user's stream it was read at.
 * An entry older than the version the graph applied (a UserUpdated arrived since) is read again,
 * so a read with a Consistency-Token for a rename shows the new name; an erasure drops the entry.
 *
 * When the user service cannot be reached: a user whose names are cached keeps them, even if
 * older than the graph (stale names beat no answer); a user never named here makes the answer a
 * 503 with Retry-After, rather than a page of anonymous users. A user the graph knows only from
 * friendships (version 0) shows null names then, as it did before any user event arrived.
 */
export class UserNamer {
  constructor(
    private readonly cache: NameCache,
    /** Omitted when no user service is wired (the service run alone, in tests): names are null. */
    private readonly source: NameSource | undefined,
    private readonly log: Logger,
  ) {}

  /**
   * The users with their names. `versions[i]` is the user stream version the names of `users[i]`
   * must be at least as new as: by default the version the user came with from the graph.
   */
  async name(users: readonly GraphUser[], versions: readonly number[] = users.map((u) => u.version), traceparent?: string): Promise<RecommendationUser[]> {
    const held = users.map((u) => this.cache.get(u.id));
    const stale = users.filter((_, i) => (held[i]?.version ?? -1) < versions[i]!).map((u) => u.id);
    const fresh = stale.length > 0 ? await this.refresh(stale, users, versions, traceparent) : NOTHING_READ;
    return users.map(({ id, createdAt, lastModified }, i) => {
      // What was just read first; what was held is the fallback (the user service could not be asked).
      const names = fresh.erased.has(id) ? undefined : (fresh.names.get(id) ?? held[i]);
      return { id, firstName: names?.firstName ?? null, lastName: names?.lastName ?? null, createdAt, lastModified };
    });
  }

  /** Forgets an erased user's names. */
  forget(userId: number): void {
    this.cache.forget(userId);
  }

  /**
   * Drops every entry older than the version the graph applied: a rename, or an erasure that
   * another instance consumed (on a shared graph only one instance receives each event, and an
   * erased user is never on a page again to make this one notice). `versionsOf` gives the graph's
   * user stream versions; asked in slices. Returns how many entries went.
   */
  async sweep(versionsOf: (userIds: readonly number[]) => Promise<readonly number[]>): Promise<number> {
    const ids = this.cache.ids();
    let dropped = 0;
    for (let i = 0; i < ids.length; i += SWEEP_SLICE) {
      const slice = ids.slice(i, i + SWEEP_SLICE);
      const versions = await versionsOf(slice);
      slice.forEach((id, j) => {
        const entry = this.cache.peek(id);
        if (entry && entry.version < versions[j]!) {
          this.cache.forget(id);
          dropped++;
        }
      });
    }
    return dropped;
  }

  /** Reads the names of `ids` into the cache; returns them, and those the user service says are erased. */
  private async refresh(ids: number[], users: readonly GraphUser[], versions: readonly number[], traceparent?: string): Promise<Read> {
    if (!this.source) return NOTHING_READ;
    let answer: UserNames;
    try {
      answer = await this.source(ids, traceparent);
    } catch (error) {
      const needed = users.filter((u, i) => versions[i]! > 0 && !this.cache.has(u.id));
      if (needed.length > 0) {
        throw new ConsistencyError(503, `the user service cannot be reached and the names of ${needed.length} user(s) are not known here yet; retry later`, { 'retry-after': '1' });
      }
      this.log.warn('user service unreachable: answering with the names cached', { users: ids.length, error: (error as Error).message });
      return NOTHING_READ;
    }
    const names = new Map<number, CachedNames>();
    for (const { id, firstName, lastName, version } of answer.users) {
      names.set(id, { firstName, lastName, version });
      this.cache.put(id, { firstName, lastName, version });
    }
    for (const id of answer.erased) this.cache.forget(id);
    const erased = new Set(answer.erased);
    // Ids the user service does not know (a log loaded from elsewhere, a user known only from a
    // friendship so far) are remembered as nameless at the version asked about, so that each answer
    // does not ask again; a newer event of theirs in the graph asks again.
    const asked = new Map(users.map((u, i) => [u.id, versions[i]!]));
    for (const id of ids) {
      if (names.has(id) || erased.has(id)) continue;
      const nameless = { firstName: null, lastName: null, version: asked.get(id) ?? 0 };
      names.set(id, nameless);
      this.cache.put(id, nameless);
    }
    return { names, erased };
  }
}
