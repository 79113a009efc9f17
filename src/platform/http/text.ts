import { t } from 'elysia';
import { TypeRegistry } from 'elysia/type-system';
import { isIdListSchema } from './id-list';

/**
 * Free text that a client sends and a module stores, checked the way its OpenAPI schema reads.
 *
 * TypeBox counts `minLength`/`maxLength` in UTF-16 code units (an emoji counts 2) and compiles
 * `pattern` without the `u` flag, while JSON Schema, and so every client reading the document,
 * counts characters. PostgreSQL also refuses NUL and unpaired surrogates in `text` and `jsonb`:
 * left to the database they are a 500. So text is its own TypeBox kind: the schema keywords are
 * the contract in the document, and `isText` is the check the server runs against them.
 */
export interface TextOptions {
  minLength: number;
  maxLength: number;
  /** At least one character that is not white space. */
  notBlank?: boolean;
  description: string;
}

const KIND = 'Text';
/** TypeBox's own marker of a schema's kind; a custom kind is checked by its registered function. */
const Kind = Symbol.for('TypeBox.Kind');

// ECMA-262 patterns, as OpenAPI reads them. No lookahead, which not every client's regex supports.
const NO_NUL = '^[^\\u0000]*$';
const NOT_BLANK = '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$';
const compiled = new Map([NO_NUL, NOT_BLANK].map((p) => [p, new RegExp(p, 'u')]));

export function isText(value: unknown, options: Pick<TextOptions, 'minLength' | 'maxLength' | 'notBlank'>): value is string {
  if (typeof value !== 'string' || !value.isWellFormed()) return false;
  if (!compiled.get(options.notBlank ? NOT_BLANK : NO_NUL)!.test(value)) return false;
  let characters = 0;
  for (const _ of value) if (++characters > options.maxLength) return false;
  return characters >= options.minLength;
}

type TextSchema = Pick<TextOptions, 'minLength' | 'maxLength' | 'description'> & { pattern: string };

TypeRegistry.Set<TextSchema>(KIND, (schema, value) => isText(value, { ...schema, notBlank: schema.pattern === NOT_BLANK }));

/** A string schema whose lengths count characters, and which never holds NUL or unpaired surrogates. */
export const Text = ({ minLength, maxLength, notBlank, description }: TextOptions) =>
  t.Unsafe<string>({ [Kind]: KIND, type: 'string', minLength, maxLength, pattern: notBlank ? NOT_BLANK : NO_NUL, description });

/**
 * What a failed Text check says: a custom kind's own message is only "Expected kind 'Text'", so
 * the schema's description tells the client what was expected instead.
 */
export function textIssue(issue: { schema?: object }): string | undefined {
  const schema = issue.schema as { [Kind]?: unknown; description?: unknown } | undefined;
  const ownKind = schema?.[Kind] === KIND || isIdListSchema(schema);
  return ownKind && typeof schema?.description === 'string' ? `expected ${schema.description}` : undefined;
}
