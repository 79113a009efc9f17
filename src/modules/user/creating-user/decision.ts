import { conflict } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { SealedNames, UserEvent } from '../contracts/events';
import type { UserState } from '../user';
import { insertUsers } from './projection';

/** The names arrive sealed: the command handler sealed them with the new user's key. */
export type CreateUser = { type: 'CreateUser'; data: { userId: number; names: SealedNames } };

/** A user id is created once; the user is active from its first event. */
export const createUserDecision: CommandDecision<CreateUser, UserState, UserEvent> = {
  command: 'CreateUser',
  decide: (command, state) => {
    if (state.status !== 'absent') throw conflict(`user ${command.data.userId} already exists`);
    return [{ type: 'UserCreated', data: command.data }];
  },
  evolves: { UserCreated: (_state, event) => ({ status: 'active', userId: event.data.userId, names: event.data.names }) },
  projects: { UserCreated: insertUsers },
};
