import { conflict, gone, notFound } from '../../platform/errors';
import type { UserEvent } from './contracts/events';

/** The user aggregate: pure state, evolve and decide. Ids and time come from outside. */
export type UserState =
  | { status: 'absent' }
  | { status: 'active'; userId: number; firstName: string; lastName: string }
  | { status: 'erased'; userId: number };

export type UserCommand =
  | { type: 'CreateUser'; data: { userId: number; firstName: string; lastName: string } }
  | { type: 'UpdateUser'; data: { userId: number; firstName: string; lastName: string } }
  | { type: 'EraseUser'; data: { userId: number } };

export const initialUserState: UserState = { status: 'absent' };

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
    case 'UserUpdated':
      return { status: 'active', ...event.data };
    case 'UserErased':
      return { status: 'erased', userId: event.data.userId };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  // Erasure is final: nothing is decided for an erased user again, not even a second erasure.
  if (state.status === 'erased') throw gone(`user ${command.data.userId} was erased`);
  switch (command.type) {
    case 'CreateUser':
      if (state.status !== 'absent') throw conflict(`user ${command.data.userId} already exists`);
      return [{ type: 'UserCreated', data: command.data }];
    case 'UpdateUser': {
      if (state.status === 'absent') throw notFound(`user ${command.data.userId} does not exist`);
      const { firstName, lastName } = command.data;
      // Saving an unchanged user is not an event.
      if (state.firstName === firstName && state.lastName === lastName) return [];
      return [{ type: 'UserUpdated', data: command.data }];
    }
    case 'EraseUser':
      if (state.status === 'absent') throw notFound(`user ${command.data.userId} does not exist`);
      return [{ type: 'UserErased', data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}
