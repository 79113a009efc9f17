import { describe, expect, test } from 'bun:test';
import { envelopeOf } from '../../../../test/kits/envelopes';
import { upcastPlainNames, userEventCodec } from './codec';
import { userStreamId } from './events';

const sealed = { sealed: 'c2VhbGVk', digest: 'ZGlnZXN0' };

describe('upcastPlainNames: version 1 (names in the clear) read as version 2', () => {
  test('given first and last name, then they become names.plain and nothing else changes', () => {
    expect(upcastPlainNames({ userId: 7, firstName: 'Ada', lastName: 'Lovelace' })).toEqual({ userId: 7, names: { plain: { firstName: 'Ada', lastName: 'Lovelace' } } });
    expect(upcastPlainNames({ userId: 7, firstName: '', lastName: '', extra: true })).toEqual({ userId: 7, extra: true, names: { plain: { firstName: '', lastName: '' } } });
  });

  test('given a copy without names (a log that dropped them), then it stays without', () => {
    expect(upcastPlainNames({ userId: 7 })).toEqual({ userId: 7 });
    expect(upcastPlainNames({ userId: 7, firstName: 'Ada' })).toEqual({ userId: 7 });
  });

  test('given something that is not an object, then it is passed on for the codec to refuse', () => {
    for (const data of [null, 'text', 3, [1]]) expect(upcastPlainNames(data)).toBe(data);
  });

  test('is pure: the input is not changed', () => {
    const data = { userId: 7, firstName: 'Ada', lastName: 'Lovelace' };
    upcastPlainNames(data);
    expect(data).toEqual({ userId: 7, firstName: 'Ada', lastName: 'Lovelace' });
  });
});

const userEnvelope = (type: string, schemaVersion: number, data: unknown, userId = 7) =>
  envelopeOf({ type, schemaVersion, streamId: userStreamId(userId), streamVersion: 1, data });

describe('the user event codec', () => {
  test('decodes version 1 through the upcaster, as version 2 with plain names', () => {
    for (const type of ['UserCreated', 'UserUpdated']) {
      const decoded = userEventCodec.decode(userEnvelope(type, 1, { userId: 7, firstName: 'Ada', lastName: 'Lovelace' }));
      expect(decoded).toMatchObject({ ok: true, event: { type, schemaVersion: 2, data: { userId: 7, names: { plain: { firstName: 'Ada', lastName: 'Lovelace' } } } } });
    }
  });

  test('decodes version 2 with sealed names as it is', () => {
    const envelope = userEnvelope('UserCreated', 2, { userId: 7, names: sealed });
    expect(userEventCodec.decode(envelope)).toEqual({ ok: true, event: envelope as never });
  });

  test('refuses version 2 without names, with malformed ones, or from another user stream', () => {
    const cases: [unknown, RegExp][] = [
      [{ userId: 7 }, /names missing/],
      [{ userId: 7, names: { sealed: '', digest: 'x' } }, /sealed names malformed/],
      [{ userId: 7, names: { sealed: 'x' } }, /sealed names malformed/],
      [{ userId: 7, names: { plain: { firstName: 'Ada' } } }, /names in the clear/],
      [{ userId: 8, names: sealed }, /streamId does not match userId/],
    ];
    for (const [data, reason] of cases) {
      const decoded = userEventCodec.decode(userEnvelope('UserUpdated', 2, data));
      expect(decoded).toMatchObject({ ok: false, fate: 'malformed' });
      expect(decoded.ok ? '' : decoded.reason).toMatch(reason);
    }
    // A version-1 copy that lost its names upcasts to version 2 without names: refused the same way.
    expect(userEventCodec.decode(userEnvelope('UserCreated', 1, { userId: 7 }))).toMatchObject({ ok: false, fate: 'malformed', reason: expect.stringContaining('names missing') });
  });

  // The check knows the stored version: a writer that forgot to seal is refused by every reader.
  test('refuses version 2 with plain names: only version 1, upcast, may carry them', () => {
    const decoded = userEventCodec.decode(userEnvelope('UserCreated', 2, { userId: 7, names: { plain: { firstName: 'Ada', lastName: 'Lovelace' } } }));
    expect(decoded).toMatchObject({ ok: false, fate: 'malformed' });
  });

  test('a version nobody knows (3) is unknown-version, never guessed at', () => {
    const decoded = userEventCodec.decode(userEnvelope('UserCreated', 3, { userId: 7, names: sealed }));
    expect(decoded).toMatchObject({ ok: false, fate: 'unknown-version' });
  });

  test('UserErased is still version 1', () => {
    expect(userEventCodec.currentVersion('UserErased')).toBe(1);
    expect(userEventCodec.decode(userEnvelope('UserErased', 1, { userId: 7 }))).toMatchObject({ ok: true });
    expect(userEventCodec.decode(userEnvelope('UserErased', 2, { userId: 7 }))).toMatchObject({ ok: false, fate: 'unknown-version' });
  });
});
