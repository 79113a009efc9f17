import { describe, expect, test } from 'bun:test';
import type { EventMetadata } from '../../../platform/events/envelope';
import { metadataOf, storedMetadata } from './log-metadata';

const full = { correlationId: 'c-1', causationId: 'e-0', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

describe('metadata in the recommendation log', () => {
  test('the keys this system writes are stored without their names, and read back as they were', () => {
    expect(storedMetadata(full)).toEqual([full.correlationId, full.causationId, full.traceparent]);
    expect(metadataOf(storedMetadata(full))).toEqual(full);
    const some = { correlationId: 'c-2' };
    expect(storedMetadata(some)).toEqual(['c-2', null, null]);
    expect(metadataOf(storedMetadata(some))).toEqual(some);
    expect(JSON.stringify(storedMetadata(full)).length).toBeLessThan(JSON.stringify(full).length - 40);
  });

  test('metadata with another key, or a value that is not text, is stored as received', () => {
    for (const odd of [{ ...full, tenant: 't' }, { correlationId: 'c', causationId: 7 }]) {
      const metadata = odd as unknown as EventMetadata;
      expect(storedMetadata(metadata)).toBe(metadata);
      expect(metadataOf(storedMetadata(metadata))).toEqual(metadata);
    }
  });

  test('rows written before, as objects, read back unchanged', () => {
    expect(metadataOf(full)).toBe(full);
  });
});
