import { notFound } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { EventNames, PersonalNames, SealedNames, UserEvent } from '../contracts/events';
import type { UserState } from '../user';
import { renameUsers } from './projection';

/**
 * The new names in the clear (held in memory only, to compare with names from before sealing) and
 * sealed with the user's key, as the event will carry them.
 */
export type UpdateUser = { type: 'UpdateUser'; data: { userId: number; names: PersonalNames; sealed: SealedNames } };

/** Whether the user already has these names: by digest under the user's key, or in the clear for names from before sealing. */
function sameNames(current: EventNames, { names, sealed }: UpdateUser['data']): boolean {
  if ('plain' in current) return current.plain.firstName === names.firstName && current.plain.lastName === names.lastName;
  return current.digest === sealed.digest;
}

/** Renames an existing user; saving an unchanged user is not an event. */
export const updateUserDecision: CommandDecision<UpdateUser, UserState, UserEvent> = {
  command: 'UpdateUser',
  decide: (command, state) => {
    if (state.status === 'absent') throw notFound(`user ${command.data.userId} does not exist`);
    if (state.status === 'active' && sameNames(state.names, command.data)) return [];
    return [{ type: 'UserUpdated', data: { userId: command.data.userId, names: command.data.sealed } }];
  },
  evolves: { UserUpdated: (_state, event) => ({ status: 'active', userId: event.data.userId, names: event.data.names }) },
  projects: { UserUpdated: renameUsers },
};
