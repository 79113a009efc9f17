import type { PersonalNames } from '../../src/modules/user/contracts/events';
import { unwrap } from '../../src/modules/user/personal-data/key-store';
import { importMasterKey } from '../../src/modules/user/personal-data/master-key';
import { importDataKey, openNames, type DataKey } from '../../src/modules/user/personal-data/sealed-names';
import type { Cluster } from '../harness/distributed';

/**
 * Opens the names a cluster's user service stored, as that service does: its keys, unwrapped with
 * its master key. For audits that compare stored events and read models with what the API shows.
 */
export async function userNamesOpener(cluster: Pick<Cluster, 'query' | 'piiMasterKey'>) {
  const master = importMasterKey(cluster.piiMasterKey);
  const rows = await cluster.query<{ user_id: number; wrapped: string }>('user', `select user_id, encode(wrapped, 'base64') as wrapped from user_keys`);
  const keys = new Map<number, DataKey>();
  for (const row of rows) keys.set(row.user_id, importDataKey(unwrap(master, row.user_id, Buffer.from(row.wrapped, 'base64'))));
  const sealedOpen = (userId: number, sealed: string): PersonalNames | undefined => {
    const key = keys.get(userId);
    return key ? openNames(key, userId, sealed) : undefined;
  };
  return {
    /** The names an event's data holds: sealed (version 2) or in the clear (version 1); undefined for an erased user's. */
    ofEvent: (data: Record<string, any>): PersonalNames | undefined => {
      if (typeof data.firstName === 'string') return { firstName: data.firstName, lastName: data.lastName };
      if (data.names?.plain) return data.names.plain;
      if (data.names?.sealed) return sealedOpen(data.userId, data.names.sealed);
      return undefined;
    },
    /** A `users` row's names: sealed, or from before sealing; undefined for a tombstone. */
    ofRow: (row: { id: number; sealed_names: string | null; first_name: string | null; last_name: string | null }): PersonalNames | undefined =>
      row.sealed_names ? sealedOpen(row.id, row.sealed_names) : row.first_name ? { firstName: row.first_name, lastName: row.last_name ?? '' } : undefined,
  };
}
