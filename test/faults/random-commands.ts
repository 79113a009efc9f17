/**
 * The commands the burst scenarios draw at random. Each takes its random numbers from the
 * scenario's seeded generator, in a fixed order, so that a run can be replayed from its seed; the
 * friendship commands ask the ledger's model which pairs are friends, so that removes are of pairs
 * the acknowledged commands made friends.
 */
import type { CommandLedger } from './command-ledger';

/** A command ready to send: resolves to the status it was answered with. */
export type Command = () => Promise<number>;

/** One of `users`, uniformly. */
export const pickUser = (users: readonly number[], random: () => number): number => users[Math.floor(random() * users.length)]!;

/** Creates a user named `${prefix}${n}`; once acknowledged it joins `users`, for later commands to pick. */
export const createUserCommand = (ledger: CommandLedger, users: number[], prefix: string, lastName: string): Command => async () => {
  const { status, id } = await ledger.createUser(`${prefix}${users.length}`, lastName);
  if (id !== undefined) users.push(id);
  return status;
};

let renames = 0;

/**
 * Renames user `a` to a first name no rename used before. Saving an unchanged name is rightly no
 * event, while the audit expects one event per acknowledged command: a random name could repeat
 * the user's current one (about one run in ten failed on that).
 */
export const renameCommand = (ledger: CommandLedger, a: number, random: () => number, lastName: string): Command => () =>
  ledger.updateUser(a, `Renamed${Math.floor(random() * 1000)}-${++renames}`, lastName);

/** `a` removes one of their friends when `remove` and they have any; else befriends another of `users`. */
export function friendshipCommand(ledger: CommandLedger, users: readonly number[], a: number, remove: boolean, random: () => number): Command {
  if (remove) {
    const friends = [...ledger.model.friendsOf(a)];
    if (friends.length > 0) {
      const b = friends[Math.floor(random() * friends.length)]!;
      return () => ledger.removeFriend(a, b);
    }
  }
  let b = pickUser(users, random);
  while (b === a) b = pickUser(users, random);
  return () => ledger.addFriend(a, b);
}

/** A friendship command of user `a` (by default a random one of `users`): with probability 0.3 a remove of one of their friends, if any; else an add. */
export const randomFriendshipCommand = (ledger: CommandLedger, users: readonly number[], random: () => number, a = pickUser(users, random)): Command =>
  friendshipCommand(ledger, users, a, random() < 0.3, random);
