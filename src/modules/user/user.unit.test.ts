import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../test/kits/decider';
import type { UserEvent } from './contracts/events';
import { userAggregate } from './module';

const spec = deciderSpec(userAggregate);
const sealed = { sealed: 'sealed-names', digest: 'names-digest' };
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, names: sealed } };

describe('user decider: the rule every command obeys', () => {
  test('erasure is final: no update, no second erasure, no re-creation', () => {
    const erased: UserEvent[] = [created, { type: 'UserErased', data: { userId: 7 } }];
    spec(erased).when({ type: 'EraseUser', data: { userId: 7 } }).thenRejects('gone', /user 7 was erased/);
    spec(erased).when({ type: 'UpdateUser', data: { userId: 7, names: { firstName: 'A', lastName: 'B' }, sealed } }).thenRejects('gone');
    spec(erased).when({ type: 'CreateUser', data: { userId: 7, names: sealed } }).thenRejects('gone');
  });
});
