import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../test/kits/decider';
import type { UserEvent } from './contracts/events';
import { userAggregate } from './module';

const spec = deciderSpec(userAggregate);
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, firstName: 'Ada', lastName: 'Lovelace' } };

describe('user decider: the rule every command obeys', () => {
  test('erasure is final: no update, no second erasure, no re-creation', () => {
    const erased: UserEvent[] = [created, { type: 'UserErased', data: { userId: 7 } }];
    spec(erased).when({ type: 'EraseUser', data: { userId: 7 } }).thenRejects('gone', /user 7 was erased/);
    spec(erased).when({ type: 'UpdateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('gone');
    spec(erased).when({ type: 'CreateUser', data: { userId: 7, firstName: 'A', lastName: 'B' } }).thenRejects('gone');
  });
});
