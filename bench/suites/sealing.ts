/**
 * What sealing names costs a command and an answer, measured in this process with the user
 * service's own code: a new user's key (made and wrapped), sealing a name pair with its digest,
 * opening one, and unwrapping a stored key (a key-cache miss). Set beside createUser's latency
 * with one in flight, it says what share of a command the cryptography is. The same createUser
 * and recommendFriends with and without sealing, release against release:
 * `bun bench/recommend-names.ts <checkout before> .` (figures in the README, "Erasing a user").
 */
import { importMasterKey, newMasterKeyText } from '../../src/modules/user/personal-data/master-key';
import { unwrap, wrap } from '../../src/modules/user/personal-data/key-store';
import { DATA_KEY_BYTES, importDataKey, openNames, sealNames } from '../../src/modules/user/personal-data/sealed-names';
import { record, round, type BenchContext } from './context';

function microsPerOp(count: number, op: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(200, count); i++) op(i);
  const started = performance.now();
  for (let i = 0; i < count; i++) op(i);
  return ((performance.now() - started) * 1000) / count;
}

export async function measureSealing(ctx: BenchContext, createUserAtOneP50Ms: number | undefined): Promise<void> {
  const count = ctx.options.quick ? 2_000 : 20_000;
  ctx.log(`sealing: ${count} operations of each kind, one at a time`);
  const master = importMasterKey(newMasterKeyText());
  const names = { firstName: 'Ada', lastName: 'Lovelace' };
  const material = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
  const key = importDataKey(material);
  const wrapped = wrap(master, 1, material);
  const sealed = sealNames(key, 1, names).sealed;
  const newKeyUs = microsPerOp(count, () => {
    const fresh = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
    return [importDataKey(fresh), wrap(master, 1, fresh)];
  });
  const sealUs = microsPerOp(count, () => sealNames(key, 1, names));
  const openUs = microsPerOp(count, () => openNames(key, 1, sealed));
  const unwrapUs = microsPerOp(count, () => importDataKey(unwrap(master, 1, wrapped)));
  ctx.log(`  new key ${newKeyUs.toFixed(1)} µs, seal ${sealUs.toFixed(1)} µs, open ${openUs.toFixed(1)} µs, unwrap a stored key ${unwrapUs.toFixed(1)} µs`);
  record(ctx, 'sealing.newKeyUs', round(newKeyUs, 1));
  record(ctx, 'sealing.sealUs', round(sealUs, 1));
  record(ctx, 'sealing.openUs', round(openUs, 1));
  record(ctx, 'sealing.unwrapUs', round(unwrapUs, 1));
  if (createUserAtOneP50Ms) record(ctx, 'sealing.createUserShare', round((newKeyUs + sealUs) / (createUserAtOneP50Ms * 1000), 4));
}
