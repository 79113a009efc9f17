import { describe, expect, test } from 'bun:test';
import type { EventMetadata } from '../../../platform/events/envelope';
import { metadataOf, storedMetadataHex } from './log-metadata';

const correlationId = 'ceb3e0b9-2734-4e5d-bc89-71a69a3aff6e';
const causationId = '01a2444e-758e-71d2-a940-2509da140212';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const full = { correlationId, causationId, traceparent };

const stored = (metadata: unknown) => Buffer.from(storedMetadataHex(metadata as EventMetadata), 'hex');
const roundTrip = (metadata: unknown) => metadataOf(stored(metadata));
const isBinary = (bytes: Buffer) => bytes[0] === 0x01;

describe('metadata in the recommendation log', () => {
  test('the ids this system writes are stored in binary, and read back exactly', () => {
    const cases: object[] = [
      full,
      { correlationId },
      { correlationId, traceparent },
      { correlationId, causationId },
      { causationId, traceparent },
      {},
      { correlationId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', traceparent: 'ff-ffffffffffffffffffffffffffffffff-ffffffffffffffff-ff' },
    ];
    for (const metadata of cases) {
      expect(isBinary(stored(metadata))).toBe(true);
      expect(roundTrip(metadata)).toEqual(metadata as EventMetadata);
    }
    // Tag and mask, two ids of 16 bytes, a trace context of 26: against 141 bytes of JSON text.
    expect(stored(full).length).toBe(60);
  });

  test('a causation id equal to the correlation id (a request without a correlation id of its own) is stored once', () => {
    const same = { correlationId, causationId: correlationId, traceparent };
    expect(stored(same).length).toBe(44);
    expect(roundTrip(same)).toEqual(same);
  });

  test('a key whose value is undefined is left out, as JSON would leave it out', () => {
    expect(roundTrip({ correlationId, causationId: undefined })).toEqual({ correlationId });
    expect(isBinary(stored({ correlationId, causationId: undefined }))).toBe(true);
  });

  test('ids that are not lower-case UUIDs, or a traceparent in another form, are stored as JSON text and read back exactly', () => {
    const cases = [
      { correlationId: 'c-1', causationId, traceparent },
      { correlationId: correlationId.toUpperCase(), causationId },
      { correlationId, causationId: `{${causationId}}` },
      { correlationId, causationId: causationId.replaceAll('-', '') },
      { correlationId, traceparent: traceparent.toUpperCase() },
      { correlationId, traceparent: `${traceparent}-extra` },
      { correlationId, traceparent: ` ${traceparent}` },
    ];
    for (const metadata of cases) {
      const bytes = stored(metadata);
      expect(isBinary(bytes)).toBe(false);
      expect(JSON.parse(bytes.toString('utf8'))).toBeArray();
      expect(roundTrip(metadata)).toEqual(metadata);
    }
  });

  test('metadata with another key, or a value that is not text, is stored as the JSON object received', () => {
    for (const odd of [{ ...full, tenant: 't' }, { correlationId, causationId: 7 }, { correlationId: null }]) {
      const bytes = stored(odd);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(odd);
      expect(roundTrip(odd)).toEqual(odd as unknown as EventMetadata);
    }
  });

  test('no metadata at all reads back as none', () => {
    expect(roundTrip(undefined)).toEqual({} as EventMetadata);
  });

  test('rows written before migration 0006 (JSON text, as an array or an object) read back as they were', () => {
    const utf8 = (json: string) => new Uint8Array(Buffer.from(json, 'utf8'));
    expect(metadataOf(utf8(JSON.stringify([correlationId, causationId, traceparent])))).toEqual(full);
    expect(metadataOf(utf8('["c-2",null,null]'))).toEqual({ correlationId: 'c-2' } as EventMetadata);
    expect(metadataOf(utf8(JSON.stringify(full)))).toEqual(full);
    expect(metadataOf(utf8('{"correlationId":"test","tenant":"t"}'))).toEqual({ correlationId: 'test', tenant: 't' } as unknown as EventMetadata);
  });
});
