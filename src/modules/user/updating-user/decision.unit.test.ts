import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { UserEvent } from '../contracts/events';
import { userAggregate } from '../module';

const spec = deciderSpec(userAggregate);
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, firstName: 'Ada', lastName: 'Lovelace' } };

describe('UpdateUser decision', () => {
  test('renames an existing user', () =>
    spec([created])
      .when({ type: 'UpdateUser', data: { userId: 7, firstName: 'Ada', lastName: 'King' } })
      .then([{ type: 'UserUpdated', data: { userId: 7, firstName: 'Ada', lastName: 'King' } }]));

  test('an unchanged save is not an event', () =>
    spec([created]).when({ type: 'UpdateUser', data: { userId: 7, firstName: 'Ada', lastName: 'Lovelace' } }).then([]));

  test('the latest update wins when folding', () =>
    spec([created, { type: 'UserUpdated', data: { userId: 7, firstName: 'Ada', lastName: 'King' } }])
      .when({ type: 'UpdateUser', data: { userId: 7, firstName: 'Ada', lastName: 'King' } })
      .then([]));

  test('cannot update a user who does not exist', () =>
    spec([]).when({ type: 'UpdateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('not-found', /user 7/));

});
