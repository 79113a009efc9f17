import { conflict } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { SealedNames, UserEvent } from '../contracts/events';
import type { WrappedKey } from '../personal-data/key-store';
import type { UserState } from '../user';
import { insertUsers } from './projection';

/**
 * The names arrive sealed: the command handler sealed them with the new user's key, which comes
 * along wrapped (`newKey`), to be stored in the command's transaction and never in its event.
 */
export type CreateUser = { type: 'CreateUser'; data: { userId: number; names: SealedNames }; newKey?: WrappedKey };

/** A user id is created once; the user is active from its first event. */
export const createUserDecision: CommandDecision<CreateUser, UserState, UserEvent> = {
  command: 'CreateUser',
  decide: (command, state) => {
    if (state.status !== 'absent') throw conflict(`user ${command.data.userId} already exists`);
    // Field by field: nothing else the command carries (its key) may reach the event.
    return [{ type: 'UserCreated', data: { userId: command.data.userId, names: command.data.names } }];
  },
  evolves: { UserCreated: (_state, event) => ({ status: 'active', userId: event.data.userId, names: event.data.names }) },
  projects: { UserCreated: insertUsers },
};
