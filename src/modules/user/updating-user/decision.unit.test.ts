import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { UserEvent } from '../contracts/events';
import { userAggregate } from '../module';

const spec = deciderSpec(userAggregate);
// Sealing is the handler's work (it needs the user's key); the decision compares digests.
const lovelace = { sealed: 'sealed-lovelace', digest: 'digest-lovelace' };
const king = { sealed: 'sealed-king', digest: 'digest-king' };
const kingAgain = { sealed: 'sealed-king-other-iv', digest: 'digest-king' };
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, names: lovelace } };
const rename = (names: { firstName: string; lastName: string }, sealed: typeof king) => ({ type: 'UpdateUser', data: { userId: 7, names, sealed } }) as const;

describe('UpdateUser decision', () => {
  test('renames an existing user; the event carries the sealed names only', () =>
    spec([created])
      .when(rename({ firstName: 'Ada', lastName: 'King' }, king))
      .then([{ type: 'UserUpdated', data: { userId: 7, names: king } }]));

  test('an unchanged save is not an event: same digest, whatever the IV of the new sealing', () =>
    spec([created]).when(rename({ firstName: 'Ada', lastName: 'Lovelace' }, { sealed: 'sealed-again', digest: 'digest-lovelace' })).then([]));

  test('the latest update wins when folding', () =>
    spec([created, { type: 'UserUpdated', data: { userId: 7, names: king } }])
      .when(rename({ firstName: 'Ada', lastName: 'King' }, kingAgain))
      .then([]));

  test('names from before sealing (version 1) are compared in the clear', () => {
    const legacy: UserEvent = { type: 'UserCreated', data: { userId: 7, names: { plain: { firstName: 'Ada', lastName: 'Lovelace' } } } };
    spec([legacy]).when(rename({ firstName: 'Ada', lastName: 'Lovelace' }, lovelace)).then([]);
    spec([legacy]).when(rename({ firstName: 'Ada', lastName: 'King' }, king)).then([{ type: 'UserUpdated', data: { userId: 7, names: king } }]);
  });

  test('cannot update a user who does not exist', () =>
    spec([]).when(rename({ firstName: 'A', lastName: 'B' }, king)).thenRejects('not-found', /user 7/));
});
