import type { Instance, Registration } from '../../platform/discovery/registry-protocol';
import { leaseMatches, leaseDigest } from './lease';

interface Entry {
  registration: Registration;
  registeredAt: number;
  lastHeartbeatAt: number;
  /** Digest of the lease handed out at creation: only its holder may renew or remove the entry. */
  lease: Buffer;
}

export type RegisterOutcome =
  | { outcome: 'created'; instance: Instance; lease: string }
  | { outcome: 'refreshed'; instance: Instance }
  | { outcome: 'taken' }
  | { outcome: 'full'; limit: number }
  | { outcome: 'service-full'; limit: number };

/** What a heartbeat or deregistration found: absent (register again) or held by another lease. */
export type LeaseCheck = 'unknown' | 'wrong-lease';

/**
 * The registry's state and rules, with time passed in: no clock, no timers, no I/O, so every rule
 * (including eviction) is tested by moving `now` rather than by sleeping.
 *
 * An entry whose last heartbeat is older than `evictAfterMs` counts as gone the moment it goes
 * stale, even before a sweep removes it: readers never see it and a heartbeat for it is a 404, which
 * makes the owner register afresh.
 */
export class InstanceRegistry {
  // service -> instanceId -> entry. Insertion order is kept, so lists (and the round-robin order
  // callers derive from them) stay stable across refreshes.
  private readonly services = new Map<string, Map<string, Entry>>();
  private size = 0;

  constructor(
    private readonly evictAfterMs: number,
    /** Bounds memory, whatever the registrants do. */
    private readonly maxInstances = 10_000,
    /** Bounds one service, so a runaway or rogue registrant of one cannot crowd out the others' instances. */
    private readonly maxPerService = 50,
  ) {}

  /**
   * `presented` is the lease the caller holds, if any; `fresh` the lease to hand out should a new
   * entry be created. A live entry is renewed only for the holder of its lease: anyone else asking
   * for its instanceId is refused (`taken`) rather than allowed to redirect its traffic.
   */
  register({ service, instanceId, url }: Registration, now: Date, lease: { presented?: string; fresh: string }): RegisterOutcome {
    // Keep only the protocol's fields, whatever else the caller's object carries.
    const registration = { service, instanceId, url };
    const at = now.getTime();
    const existing = this.live(service, instanceId, at);
    if (existing) {
      if (!leaseMatches(existing.lease, lease.presented)) return { outcome: 'taken' };
      // Its holder again (e.g. it lost our 200): refresh; its url may have changed.
      existing.registration = registration;
      existing.lastHeartbeatAt = at;
      return { outcome: 'refreshed', instance: toInstance(existing) };
    }
    if (this.size >= this.maxInstances) this.evict(now);
    if (this.size >= this.maxInstances) return { outcome: 'full', limit: this.maxInstances };
    if ((this.services.get(service)?.size ?? 0) >= this.maxPerService) this.evict(now);
    if ((this.services.get(service)?.size ?? 0) >= this.maxPerService) return { outcome: 'service-full', limit: this.maxPerService };
    const entry: Entry = { registration, registeredAt: at, lastHeartbeatAt: at, lease: leaseDigest(lease.fresh) };
    let instances = this.services.get(service);
    if (!instances) this.services.set(service, (instances = new Map()));
    instances.set(instanceId, entry);
    this.size++;
    return { outcome: 'created', instance: toInstance(entry), lease: lease.fresh };
  }

  /** 'unknown' when the instance is unknown or already stale: the caller must register again. */
  heartbeat(service: string, instanceId: string, lease: string | undefined, now: Date): Instance | LeaseCheck {
    const entry = this.live(service, instanceId, now.getTime());
    if (!entry) return 'unknown';
    if (!leaseMatches(entry.lease, lease)) return 'wrong-lease';
    entry.lastHeartbeatAt = now.getTime();
    return toInstance(entry);
  }

  /** 'removed', or why not. */
  deregister(service: string, instanceId: string, lease: string | undefined, now: Date): 'removed' | LeaseCheck {
    const entry = this.live(service, instanceId, now.getTime());
    if (!entry) return 'unknown';
    if (!leaseMatches(entry.lease, lease)) return 'wrong-lease';
    this.remove(service, instanceId);
    return 'removed';
  }

  list(now: Date): Instance[] {
    return [...this.services.keys()].flatMap((service) => this.listService(service, now));
  }

  listService(service: string, now: Date): Instance[] {
    const at = now.getTime();
    const out: Instance[] = [];
    for (const entry of this.services.get(service)?.values() ?? []) {
      if (!this.isStale(entry, at)) out.push(toInstance(entry));
    }
    return out;
  }

  /** Removes every stale instance and returns them, so the caller can say what went away. */
  evict(now: Date): Instance[] {
    const at = now.getTime();
    const evicted: Instance[] = [];
    for (const [service, instances] of this.services) {
      for (const [instanceId, entry] of instances) {
        if (!this.isStale(entry, at)) continue;
        evicted.push(toInstance(entry));
        this.remove(service, instanceId);
      }
    }
    return evicted;
  }

  private live(service: string, instanceId: string, at: number): Entry | undefined {
    const entry = this.services.get(service)?.get(instanceId);
    if (!entry) return undefined;
    if (!this.isStale(entry, at)) return entry;
    this.remove(service, instanceId);
    return undefined;
  }

  private isStale(entry: Entry, at: number): boolean {
    return at - entry.lastHeartbeatAt > this.evictAfterMs;
  }

  private remove(service: string, instanceId: string): void {
    const instances = this.services.get(service);
    if (!instances?.delete(instanceId)) return;
    this.size--;
    if (instances.size === 0) this.services.delete(service);
  }
}

function toInstance(entry: Entry): Instance {
  const { service, instanceId, url } = entry.registration;
  return {
    service,
    instanceId,
    url,
    registeredAt: new Date(entry.registeredAt).toISOString(),
    lastHeartbeatAt: new Date(entry.lastHeartbeatAt).toISOString(),
  };
}
