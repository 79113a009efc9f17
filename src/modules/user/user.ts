import { gone } from '../../platform/errors';
import type { EventNames } from './contracts/events';

/**
 * The user aggregate: its state and the rule every command obeys. Each command's decision lives in
 * its use case's folder (`decision.ts`) and module.ts lists them. Ids and time come
 * from outside, so deciding stays pure.
 */
export type UserState =
  | { status: 'absent' }
  | { status: 'active'; userId: number; names: EventNames }
  | { status: 'erased'; userId: number };

export const initialUserState: UserState = { status: 'absent' };

/** What every user command names: the user, whose stream it acts on. */
export interface UserCommand {
  type: string;
  data: { userId: number };
}

/** Erasure is final: nothing is decided for an erased user again, not even a second erasure (410). */
export function refuseErasedUser(command: UserCommand, state: UserState): void {
  if (state.status === 'erased') throw gone(`user ${command.data.userId} was erased`);
}
