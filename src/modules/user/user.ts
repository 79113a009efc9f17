import { conflict, notFound } from '../../platform/errors';
import type { UserEvent } from './contracts/events';

/** The user aggregate: pure state, evolve and decide. Ids and time come from outside. */
export type UserState =
  | { status: 'absent' }
  | { status: 'active'; userId: number; firstName: string; lastName: string };

export type UserCommand =
  | { type: 'CreateUser'; data: { userId: number; firstName: string; lastName: string } }
  | { type: 'UpdateUser'; data: { userId: number; firstName: string; lastName: string } };

export const initialUserState: UserState = { status: 'absent' };

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
    case 'UserUpdated':
      return { status: 'active', ...event.data };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
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
    default: {
      const never: never = command;
      return never;
    }
  }
}
