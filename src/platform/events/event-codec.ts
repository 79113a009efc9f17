import type { DomainEvent, EnvelopeOf, EventEnvelope, EventMetadata } from './envelope';
import { isId } from '../ids';

/**
 * The one seam through which stored and received events are read. Three steps, each written once:
 * a row becomes an envelope (`rowToEnvelope`), an envelope from outside is checked once where it
 * enters (`envelopeProblem`: the Kafka decoder, the in-process bus), and a contract's codec turns
 * any stored `schemaVersion` into the current one and checks its data (`EventCodec.decode`).
 */

/** The columns every stored copy of an event has: a module's event store and a consumer's log alike. */
export interface EventRow {
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: Date;
}

export function rowToEnvelope<E extends DomainEvent = DomainEvent>(row: EventRow): EventEnvelope<E> {
  return {
    id: row.eventId,
    type: row.type,
    schemaVersion: row.schemaVersion,
    streamId: row.streamId,
    streamVersion: row.streamVersion,
    occurredAt: row.occurredAt.toISOString(),
    data: row.data,
    metadata: row.metadata,
  } as EventEnvelope<E>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
// Versions are stored in integer columns: a larger one would fail every insert, on every redelivery.
const isVersion = isId;

/**
 * Why a value is not an envelope any store can hold, or undefined when it is one. Checked once, at
 * the edge where an event enters a process; whatever passes is a well-formed envelope from then on.
 */
export function envelopeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'value is not a JSON object';
  const missing = [
    !(isText(v.id) && UUID.test(v.id as string)) && 'id',
    !isText(v.type) && 'type',
    !isVersion(v.schemaVersion) && 'schemaVersion',
    !isText(v.streamId) && 'streamId',
    !isVersion(v.streamVersion) && 'streamVersion',
    !(isText(v.occurredAt) && !Number.isNaN(Date.parse(v.occurredAt as string))) && 'occurredAt',
    !('data' in v && v.data !== undefined) && 'data',
    !(isObject(v.metadata) && isText(v.metadata.correlationId)) && 'metadata.correlationId',
  ].filter(Boolean);
  return missing.length ? `invalid envelope: missing or malformed ${missing.join(', ')}` : undefined;
}

/** How one event type evolves: its current version, and a step up from each older one. */
export interface EventVersions {
  current: number;
  /** `upcasters[n]` turns the data of version n into the data of version n + 1. Pure. */
  upcasters?: Readonly<Record<number, (data: unknown) => unknown>>;
  /**
   * Why data of the current version cannot be used (given its stream), or undefined. `storedVersion`
   * is the version the event was stored with: some shapes are only right as an upcaster's output.
   */
  problem(data: Record<string, unknown>, streamId: string, storedVersion: number): string | undefined;
}

/** What a module publishes: every event type it owns, with its versions. Lives in its `contracts/`. */
export type EventContract<E extends DomainEvent> = { readonly [T in E['type']]: EventVersions };

/**
 * Why an event could not be decoded. `unknown-version` is a version nobody here can read (newer
 * than this code, or with no upcaster): never guessed at, it is dead-lettered. An unknown type or
 * malformed data is another module's business, or a bug: a consumer logs it and moves on.
 */
export type DecodeFailure = { ok: false; fate: 'unknown-type' | 'unknown-version' | 'malformed'; reason: string };
export type Decoded<E extends DomainEvent> = { ok: true; event: EnvelopeOf<E> } | DecodeFailure;

/** Reads well-formed envelopes as the current version of one or more contracts' events. */
export class EventCodec<E extends DomainEvent> {
  private readonly types: ReadonlyMap<string, EventVersions>;

  constructor(...contracts: readonly EventContract<DomainEvent>[]) {
    this.types = new Map(contracts.flatMap((c) => Object.entries(c) as [string, EventVersions][]));
  }

  /** Every event type the contracts declare. */
  get eventTypes(): readonly string[] {
    return [...this.types.keys()];
  }

  /** The version an event of this type is written with now. */
  currentVersion(type: E['type']): number {
    return this.types.get(type)?.current ?? 1;
  }

  decode(envelope: EventEnvelope): Decoded<E> {
    const versions = this.types.get(envelope.type);
    if (!versions) return { ok: false, fate: 'unknown-type', reason: `unknown event type ${JSON.stringify(envelope.type)}` };
    let data = envelope.data;
    let version = envelope.schemaVersion;
    if (version > versions.current) return unknownVersion(envelope, versions);
    for (; version < versions.current; version++) {
      const up = versions.upcasters?.[version];
      if (!up) return unknownVersion(envelope, versions);
      data = up(data);
    }
    if (!isObject(data)) return { ok: false, fate: 'malformed', reason: `malformed ${envelope.type}: data is not an object` };
    const problem = versions.problem(data, envelope.streamId, envelope.schemaVersion);
    if (problem) return { ok: false, fate: 'malformed', reason: `malformed ${envelope.type}: ${problem}` };
    const event = version === envelope.schemaVersion ? envelope : { ...envelope, schemaVersion: version, data };
    return { ok: true, event: event as EnvelopeOf<E> };
  }

  /** For a module's own store, where anything unreadable is a bug to stop on, not to skip. */
  decodeOwn(envelope: EventEnvelope): EnvelopeOf<E> {
    const decoded = this.decode(envelope);
    if (!decoded.ok) throw new Error(`event ${envelope.id} of ${envelope.streamId} cannot be read: ${decoded.reason}`);
    return decoded.event;
  }
}

const unknownVersion = (e: EventEnvelope, v: EventVersions): DecodeFailure => ({
  ok: false,
  fate: 'unknown-version',
  reason: `${e.type} schemaVersion ${e.schemaVersion} cannot be read: this code knows versions 1 to ${v.current}`,
});
