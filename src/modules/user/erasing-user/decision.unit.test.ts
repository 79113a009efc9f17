import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { UserEvent } from '../contracts/events';
import { userAggregate } from '../module';

const spec = deciderSpec(userAggregate);
const sealed = { sealed: 'sealed-names', digest: 'names-digest' };
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, names: sealed } };

describe('EraseUser decision', () => {
  test('erases an existing user', () =>
    spec([created]).when({ type: 'EraseUser', data: { userId: 7 } }).then([{ type: 'UserErased', data: { userId: 7 } }]));

  test('cannot erase a user who does not exist', () => spec([]).when({ type: 'EraseUser', data: { userId: 7 } }).thenRejects('not-found'));

});
