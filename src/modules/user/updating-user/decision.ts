import { notFound } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { UserEvent } from '../contracts/events';
import type { UserState } from '../user';
import { renameUsers } from './projection';

export type UpdateUser = { type: 'UpdateUser'; data: { userId: number; firstName: string; lastName: string } };

/** Renames an existing user; saving an unchanged user is not an event. */
export const updateUserDecision: CommandDecision<UpdateUser, UserState, UserEvent> = {
  command: 'UpdateUser',
  decide: (command, state) => {
    if (state.status === 'absent') throw notFound(`user ${command.data.userId} does not exist`);
    const { firstName, lastName } = command.data;
    if (state.status === 'active' && state.firstName === firstName && state.lastName === lastName) return [];
    return [{ type: 'UserUpdated', data: command.data }];
  },
  evolves: { UserUpdated: (_state, event) => ({ status: 'active', ...event.data }) },
  projects: { UserUpdated: renameUsers },
};
