import { notFound } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { UserEvent } from '../contracts/events';
import type { UserState } from '../user';
import { blankErasedUsers } from './projection';

export type EraseUser = { type: 'EraseUser'; data: { userId: number } };

/** Erases an existing user; the state keeps only the id, so later commands are refused as gone. */
export const eraseUserDecision: CommandDecision<EraseUser, UserState, UserEvent> = {
  command: 'EraseUser',
  decide: (command, state) => {
    if (state.status === 'absent') throw notFound(`user ${command.data.userId} does not exist`);
    return [{ type: 'UserErased', data: command.data }];
  },
  evolves: { UserErased: (_state, event) => ({ status: 'erased', userId: event.data.userId }) },
  projects: { UserErased: blankErasedUsers },
};
