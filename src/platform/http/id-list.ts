import { t } from 'elysia';
import { TypeRegistry } from 'elysia/type-system';
import { isId, MAX_ID } from '../ids';

/**
 * Ids in one query parameter, comma-separated (`?ids=42,7`), as one string schema whose pattern
 * is exactly what the server accepts: 1 to 2147483647 each, written plainly (no sign, no leading
 * zero), at most `maxItems` of them. A pattern looser than the check would make clients (and API
 * fuzzers) send lists the document allows and the server refuses.
 */
const KIND = 'IdList';
const Kind = Symbol.for('TypeBox.Kind');

// 1 to 2147483647 (MAX_ID) as text, range by range of its leading digits.
const ID_TEXT =
  '(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])';

type IdListSchema = { pattern: string; maxItems: number; description: string };

const PLAIN = /^[1-9][0-9]*$/;
export function parseIdList(value: string, maxItems: number): number[] | undefined {
  const parts = value.split(',');
  if (parts.length > maxItems || !parts.every((p) => PLAIN.test(p) && p.length <= String(MAX_ID).length)) return undefined;
  const ids = parts.map(Number);
  return ids.every(isId) ? ids : undefined;
}

TypeRegistry.Set<IdListSchema>(KIND, (schema, value) => typeof value === 'string' && parseIdList(value, schema.maxItems) !== undefined);

export const IdList = ({ maxItems, description, example }: { maxItems: number; description: string; example: string }) =>
  t.Unsafe<string>({ [Kind]: KIND, type: 'string', pattern: `^${ID_TEXT}(?:,${ID_TEXT}){0,${maxItems - 1}}$`, maxItems, description, example });

/** Whether a failed check is an IdList's: its description then says what was expected. */
export const isIdListSchema = (schema: unknown) => (schema as { [Kind]?: unknown } | undefined)?.[Kind] === KIND;
