import type { EventMetadata } from '../../../platform/events/envelope';

/**
 * How the log stores an event's metadata (`received_events.metadata`, bytea). The ids this system
 * writes are UUIDs and W3C `traceparent`s in lower-case hex: as text, with JSON around them, they
 * took 141 bytes of a row; as the bytes they spell, 61 (60 and a length byte). So metadata that
 * holds only those keys, in that canonical form, is stored in binary:
 *
 *   0x01, a mask of the fields present, then each present field in this order:
 *   correlationId (16 bytes), causationId (16, left out when it equals the correlation id, as it
 *   does for a request that came with no correlation id of its own), traceparent (26: version,
 *   trace id, span id, flags).
 *
 * Anything else (an id in upper case or not a UUID, a traceparent in another form, any other key,
 * a value that is not text) is stored as JSON text, which cannot begin with byte 0x01: an array of
 * the three values when only these keys are there, else the object as received. Rows written
 * before migration 0006 hold JSON text too (array or object). Every form reads back as exactly the
 * metadata that was received.
 */
const BINARY = 0x01;
const HAS_CORRELATION = 1;
const HAS_CAUSATION = 2;
const CAUSATION_IS_CORRELATION = 4;
const HAS_TRACEPARENT = 8;

const KEYS = ['correlationId', 'causationId', 'traceparent'] as const;
const KNOWN = new Set<string>(KEYS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

const hexByte = (n: number) => n.toString(16).padStart(2, '0');
const withoutDashes = (text: string) => text.replaceAll('-', '');

/**
 * The bytes to store for this metadata, as hex: the log's insert carries them in a JSON parameter
 * and decodes them in SQL. The binary form's hex is the ids' own digits without their dashes, so
 * it is built from them directly (under 1 µs an event).
 */
export function storedMetadataHex(metadata: EventMetadata | undefined): string {
  const m = (metadata ?? {}) as unknown as Record<string, unknown>;
  const keys = Object.keys(m).filter((key) => m[key] !== undefined);
  if (!keys.every((key) => KNOWN.has(key) && typeof m[key] === 'string')) return jsonHex(metadata ?? {});
  const { correlationId, causationId, traceparent } = m as { correlationId?: string; causationId?: string; traceparent?: string };
  const canonical = [correlationId, causationId].every((id) => id === undefined || UUID.test(id)) && (traceparent === undefined || TRACEPARENT.test(traceparent));
  if (!canonical) return jsonHex([correlationId ?? null, causationId ?? null, traceparent ?? null]);
  let mask = 0;
  let fields = '';
  if (correlationId !== undefined) {
    mask |= HAS_CORRELATION;
    fields += withoutDashes(correlationId);
  }
  if (causationId !== undefined && causationId === correlationId) mask |= CAUSATION_IS_CORRELATION;
  else if (causationId !== undefined) {
    mask |= HAS_CAUSATION;
    fields += withoutDashes(causationId);
  }
  if (traceparent !== undefined) {
    mask |= HAS_TRACEPARENT;
    fields += withoutDashes(traceparent);
  }
  return hexByte(BINARY) + hexByte(mask) + fields;
}

/** The metadata that was received, from the stored bytes (any of the forms above). */
export function metadataOf(stored: Uint8Array): EventMetadata {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes[0] !== BINARY) return fromJson(JSON.parse(bytes.toString('utf8')));
  const mask = bytes[1]!;
  let at = 2;
  const take = (length: number) => bytes.toString('hex', at, (at += length));
  const metadata: Record<string, string> = {};
  if (mask & HAS_CORRELATION) metadata.correlationId = uuid(take(16));
  if (mask & CAUSATION_IS_CORRELATION) metadata.causationId = metadata.correlationId!;
  if (mask & HAS_CAUSATION) metadata.causationId = uuid(take(16));
  if (mask & HAS_TRACEPARENT) {
    const hex = take(26);
    metadata.traceparent = `${hex.slice(0, 2)}-${hex.slice(2, 34)}-${hex.slice(34, 50)}-${hex.slice(50)}`;
  }
  return metadata as unknown as EventMetadata;
}

function jsonHex(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('hex');
}

const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** JSON text: an array of the three values in KEYS' order (null for one absent), or the object as received. */
function fromJson(stored: EventMetadata | (string | null)[]): EventMetadata {
  if (!Array.isArray(stored)) return stored;
  const metadata: Record<string, string> = {};
  KEYS.forEach((key, i) => {
    const value = stored[i];
    if (typeof value === 'string') metadata[key] = value;
  });
  return metadata as unknown as EventMetadata;
}
