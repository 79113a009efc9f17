import type { EventMetadata } from '../../../platform/events/envelope';

/**
 * The log stores an event's metadata without its key names when it holds only the keys this system
 * writes: `[correlationId, causationId, traceparent]`, null for one that is absent. The names were
 * 44 of about 185 bytes on a typical row. Metadata with any other key (an event from elsewhere) is
 * stored as received, and rows written before keep their objects: both read back the same.
 */
const KEYS = ['correlationId', 'causationId', 'traceparent'] as const;
const KNOWN = new Set<string>(KEYS);

export type StoredMetadata = EventMetadata | (string | null)[];

export function storedMetadata(metadata: EventMetadata | undefined): StoredMetadata {
  if (!metadata) return {} as EventMetadata;
  const m = metadata as unknown as Record<string, unknown>;
  const compact = Object.keys(m).every((key) => KNOWN.has(key) && (typeof m[key] === 'string' || m[key] === undefined));
  return compact ? KEYS.map((key) => (m[key] as string | undefined) ?? null) : metadata;
}

export function metadataOf(stored: StoredMetadata): EventMetadata {
  if (!Array.isArray(stored)) return stored;
  const metadata: Record<string, string> = {};
  KEYS.forEach((key, i) => {
    const value = stored[i];
    if (typeof value === 'string') metadata[key] = value;
  });
  return metadata as unknown as EventMetadata;
}
