import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { UserEvent } from '../contracts/events';
import { userAggregate } from '../module';

const spec = deciderSpec(userAggregate);
const sealed = { sealed: 'sealed-names', digest: 'names-digest' };
const created: UserEvent = { type: 'UserCreated', data: { userId: 7, names: sealed } };

describe('CreateUser decision', () => {
  test('creates a new user', () =>
    spec([]).when({ type: 'CreateUser', data: { userId: 7, names: sealed } }).then([created]));

  test('the new key the command carries, to be stored with it, never reaches the event', () =>
    spec([])
      .when({ type: 'CreateUser', data: { userId: 7, names: sealed }, newKey: { userId: 7, masterKeyId: 'm', wrapped: new Uint8Array(92) } })
      .then([created]));

  test('refuses to create a user twice', () =>
    spec([created]).when({ type: 'CreateUser', data: { userId: 7, names: sealed } }).thenRejects('conflict'));

});
