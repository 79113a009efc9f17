import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../test/kits/decider';
import type { UserEvent } from './contracts/events';
import { decide, evolve, initialUserState } from './user';

const spec = deciderSpec({ initialState: initialUserState, evolve, decide });
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, firstName: 'Ada', lastName: 'Lovelace' } };

describe('user decider', () => {
  test('creates a new user', () =>
    spec([]).when({ type: 'CreateUser', data: { userId: 7, firstName: 'Ada', lastName: 'Lovelace' } }).then([created]));

  test('refuses to create a user twice', () =>
    spec([created]).when({ type: 'CreateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('conflict'));

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

  test('erases an existing user', () =>
    spec([created]).when({ type: 'EraseUser', data: { userId: 7 } }).then([{ type: 'UserErased', data: { userId: 7 } }]));

  test('cannot erase a user who does not exist', () => spec([]).when({ type: 'EraseUser', data: { userId: 7 } }).thenRejects('not-found'));

  test('erasure is final: no update, no second erasure, no re-creation', () => {
    const erased: UserEvent[] = [created, { type: 'UserErased', data: { userId: 7 } }];
    spec(erased).when({ type: 'EraseUser', data: { userId: 7 } }).thenRejects('gone', /user 7 was erased/);
    spec(erased).when({ type: 'UpdateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('gone');
    spec(erased).when({ type: 'CreateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('gone');
  });
});
