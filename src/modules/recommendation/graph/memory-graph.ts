import { friendshipStreamId } from '../../friend/contracts/events';
import { userStreamId } from '../../user/contracts/events';
import { Adjacency } from './adjacency';
import { FriendshipStreams } from './friendship-streams';
import type { GraphEvent } from './graph-events';
import { StreamColumns, type GraphImage } from './graph-image';
import { Ranking } from './ranking';
import { SlotIndex } from './slot-index';
import type { GraphRecommendation, GraphSnapshot, GraphStats, GraphUser, SocialGraph } from './social-graph';
import { parseStreamId } from './stream-ids';

/** Always built here, with the same property order, so every profile has one shape (and JSON). */
const profile = (id: number, version: number, createdAt: string | null, lastModified: string | null): GraphUser => ({
  id,
  version,
  createdAt,
  lastModified,
});
// Timestamps arrive as ISO strings from the bus and as Dates read back from the log; one form
// keeps a live graph and a rebuilt one identical.
const iso = (at: string) => new Date(at).toISOString();

/**
 * The embedded adapter of the graph port; the semantics are documented in social-graph.ts. Users
 * get a dense slot each, and everything per user is an array indexed by slot: no object per user
 * beyond the profile that queries hand out.
 */
export class MemoryGraph implements SocialGraph {
  private slots = new SlotIndex();
  /**
   * By slot, with the highest applied version of stream `user-{id}` (0 when none). Replaced, never
   * mutated: callers receive these objects as they are.
   */
  private profiles: GraphUser[] = [];
  /** By slot: erased users, who keep no timestamps and can be nobody's friend again. */
  private erased: boolean[] = [];
  private adjacency = new Adjacency();
  private friendships = new FriendshipStreams(this.adjacency);
  private ranking = new Ranking(this.adjacency);

  async apply(events: readonly GraphEvent[]): Promise<void> {
    for (const event of events) this.applyOne(event);
  }

  async mutualFriends(userId: number, friendId: number, limit: number): Promise<GraphUser[]> {
    const a = this.slots.get(userId);
    const b = this.slots.get(friendId);
    if (a < 0 || b < 0 || a === b) return [];
    return this.ranking.mutual(a, b, limit).map((id) => this.profileOf(id));
  }

  async recommendFriends(userId: number, limit: number): Promise<GraphRecommendation[]> {
    const me = this.slots.get(userId);
    if (me < 0) return [];
    return this.ranking.recommend(me, limit, (id, weight) => ({ user: this.profileOf(id), weight }));
  }

  async clear(): Promise<void> {
    this.slots = new SlotIndex();
    this.profiles = [];
    this.erased = [];
    this.adjacency = new Adjacency();
    this.friendships = new FriendshipStreams(this.adjacency);
    this.ranking = new Ranking(this.adjacency);
  }

  /**
   * Takes over another graph's state in one synchronous step: an online rebuild builds a fresh
   * graph beside this one and swaps it in, so a read sees the old state or the new, never a mix.
   * `other` must not be used afterwards.
   */
  adopt(other: MemoryGraph): void {
    this.slots = other.slots;
    this.profiles = other.profiles;
    this.erased = other.erased;
    this.adjacency = other.adjacency;
    this.friendships = other.friendships;
    this.ranking = other.ranking;
  }

  /**
   * The whole state as columns, read in one synchronous step: it is the graph at one instant,
   * whatever is applied next. Stores only what applying events would rebuild.
   */
  image(): GraphImage {
    const n = this.profiles.length;
    const users: GraphImage['users'] = {
      ids: new Int32Array(n),
      versions: Int32Array.from(this.profiles, (p) => p.version),
      createdAt: new Float64Array(n),
      lastModified: new Float64Array(n),
      erased: Uint8Array.from(this.profiles, (_, slot) => (this.erased[slot] ? 1 : 0)),
    };
    this.profiles.forEach((p, slot) => {
      users.ids[slot] = p.id;
      users.createdAt[slot] = p.createdAt === null ? NaN : Date.parse(p.createdAt);
      users.lastModified[slot] = p.lastModified === null ? NaN : Date.parse(p.lastModified);
    });
    const streams = new StreamColumns(this.adjacency.friendships);
    this.friendships.forEach((a, b, version, linked) => streams.push(this.profiles[a]!.id, this.profiles[b]!.id, version, linked));
    return { users, streams: streams.done() };
  }

  /**
   * A graph holding exactly what `image` describes (users keep their slots). The image must come
   * from image() (its checksum checked): each stream is loaded as new, without a look-up.
   */
  static fromImage({ users, streams }: GraphImage): MemoryGraph {
    const graph = new MemoryGraph();
    const time = (ms: number) => (Number.isNaN(ms) ? null : new Date(ms).toISOString());
    for (let i = 0; i < users.ids.length; i++) {
      const slot = graph.slotOf(users.ids[i]!);
      graph.profiles[slot] = profile(users.ids[i]!, users.versions[i]!, time(users.createdAt[i]!), time(users.lastModified[i]!));
      graph.erased[slot] = users.erased[i] === 1;
    }
    const slotsA = new Int32Array(streams.a.length);
    const slotsB = new Int32Array(streams.a.length);
    const degrees = new Int32Array(users.ids.length);
    for (let i = 0; i < streams.a.length; i++) {
      const a = (slotsA[i] = graph.slots.get(streams.a[i]!));
      const b = (slotsB[i] = graph.slots.get(streams.b[i]!));
      if (a < 0 || b < 0 || a === b) throw new RangeError(`the image names a friendship of unknown users ${streams.a[i]}-${streams.b[i]}`);
      if (streams.linked[i] === 1) {
        degrees[a]! += 1;
        degrees[b]! += 1;
      }
    }
    graph.adjacency.reserve(degrees);
    for (let i = 0; i < streams.a.length; i++) graph.friendships.load(slotsA[i]!, slotsB[i]!, streams.versions[i]!, streams.linked[i] === 1);
    return graph;
  }

  async snapshot(): Promise<GraphSnapshot> {
    const users = this.profiles.map((p) => ({ ...p })).sort((x, y) => x.id - y.id);
    const friendships: [number, number][] = [];
    const streams: [string, number][] = [];
    for (const { id, version } of this.profiles) if (version > 0) streams.push([userStreamId(id), version]);
    this.friendships.forEach((a, b, version, linked) => {
      const x = this.profiles[a]!.id;
      const y = this.profiles[b]!.id;
      if (linked) friendships.push(x < y ? [x, y] : [y, x]);
      streams.push([friendshipStreamId(x, y), version]);
    });
    friendships.sort(([a1, b1], [a2, b2]) => a1 - a2 || b1 - b2);
    streams.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return { users, friendships, streams };
  }

  async streamVersions(streamIds: readonly string[]): Promise<number[]> {
    return streamIds.map((streamId) => {
      const stream = parseStreamId(streamId);
      if (!stream) return 0;
      const [a, b] = stream.map((id) => this.slots.get(id));
      if (a! < 0 || (b !== undefined && b < 0)) return 0;
      return b === undefined ? this.profiles[a!]!.version : a === b ? 0 : this.friendships.version(a!, b);
    });
  }

  async stats(): Promise<GraphStats> {
    return { users: this.slots.size, friendships: this.adjacency.friendships };
  }

  private applyOne(event: GraphEvent): void {
    switch (event.type) {
      case 'UserCreated':
      case 'UserUpdated': {
        const slot = this.slotOf(event.data.userId);
        if (this.erased[slot]) return; // erasure is the stream's last event: anything else is older
        const current = this.profiles[slot]!;
        const newer = event.streamVersion > current.version;
        // createdAt is the one fact later events do not repeat: take it even from a late UserCreated.
        const late = event.type === 'UserCreated' && current.createdAt === null;
        if (!newer && !late) return;
        const at = iso(event.occurredAt);
        this.profiles[slot] = profile(
          current.id,
          newer ? event.streamVersion : current.version,
          late ? at : current.createdAt,
          newer ? at : current.lastModified,
        );
        return;
      }
      case 'UserErased': {
        const slot = this.slotOf(event.data.userId);
        if (event.streamVersion <= this.profiles[slot]!.version) return;
        this.erased[slot] = true;
        this.profiles[slot] = profile(event.data.userId, event.streamVersion, null, null);
        return this.friendships.detach(slot);
      }
      case 'FriendAdded':
      case 'FriendRemoved': {
        const a = this.slotOf(event.data.userId);
        const b = this.slotOf(event.data.friendId);
        if (a === b) return; // classify() rejects such events; a self-link would corrupt the lists
        // A friendship with an erased user is recorded (its version) but never linked again.
        const linked = event.type === 'FriendAdded' && !this.erased[a] && !this.erased[b];
        return this.friendships.apply(a, b, event.streamVersion, linked);
      }
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  private profileOf(id: number): GraphUser {
    return this.profiles[this.slots.get(id)]!;
  }

  /** The user's slot, created (no version, no timestamps) at the first event that names the user. */
  private slotOf(id: number): number {
    let slot = this.slots.get(id);
    if (slot < 0) {
      slot = this.profiles.length;
      this.slots.add(id, slot); // first, as it throws for what is not a user id
      this.adjacency.addSlot();
      this.profiles.push(profile(id, 0, null, null));
      this.erased.push(false);
      this.ranking.register(slot, id);
    }
    return slot;
  }
}
