/**
 * The event envelope every module publishes. `data` holds facts only, never entities; the shapes
 * other modules may rely on live in the owning module's `contracts/`.
 */
export interface EventMetadata {
  /** Ties together everything caused by one incoming request. */
  correlationId: string;
  /** The id of the message (request or event) that caused this one. */
  causationId?: string;
  /** W3C trace context of the request that produced the event. */
  traceparent?: string;
}

/** A domain event as a decider emits it: a discriminated `type` and its facts. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface EventEnvelope<E extends DomainEvent = DomainEvent> {
  id: string;
  type: E['type'];
  schemaVersion: number;
  /** The aggregate, e.g. `user-42`; also the bus message key, so one stream stays in order. */
  streamId: string;
  /** 1, 2, ... within the stream. */
  streamVersion: number;
  occurredAt: string;
  data: E['data'];
  metadata: EventMetadata;
}

/** Distributes over a union so that narrowing on `type` narrows `data` too. */
export type EnvelopeOf<E extends DomainEvent> = E extends DomainEvent ? EventEnvelope<E> : never;
