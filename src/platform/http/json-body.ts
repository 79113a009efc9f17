/**
 * JSON request bodies, read strictly: JSON content type only, valid UTF-8 only, nesting bounded.
 *
 * `JSON.parse` recurses per level of nesting: a few hundred KB of `[[[[...` took seconds of
 * event-loop time and ended in a stack overflow (a 500), and below that limit its cost grew
 * quadratically. So the depth is checked first, by a single pass over the bytes that does constant
 * work per byte. A decoder that is not `fatal` turns invalid UTF-8 into U+FFFD, which would then
 * be stored as if the client had sent it.
 */

/** No body of this API nests deeper than a few levels; 32 leaves room and costs nothing. */
export const MAX_JSON_DEPTH = 32;

/** Why a body was refused, as a status and a message for the client. */
export class BodyRejected extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;

/**
 * Whether the JSON text never nests arrays and objects deeper than `max`. Counts `[` and `{`
 * outside strings (a `\` inside a string escapes the next byte, so `"\""` stays one string).
 * Works on bytes: in UTF-8 no byte of a multi-byte character is ASCII, so none is mistaken for
 * a bracket or a quote. Malformed JSON is left to the parser; this only bounds its work.
 */
export function nestingWithin(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_SQUARE || b === OPEN_CURLY) {
      if (++depth > max) return false;
    } else if (b === CLOSE_SQUARE || b === CLOSE_CURLY) depth--;
  }
  return true;
}

/** `application/json`, with at most a UTF-8 charset parameter (JSON is UTF-8, RFC 8259). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type, ...parameters] = header.split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((p) => {
    const [name, value] = p.split('=').map((s) => s.trim().toLowerCase());
    return name !== 'charset' || value === 'utf-8' || value === '"utf-8"';
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and parses a JSON body, or throws BodyRejected. An empty body is no body (`null`): a
 * command without one (e.g. addFriend, whose input is in the URL) needs no content type, but any
 * body that is sent must be declared `application/json`. That also makes browsers send a CORS
 * preflight for every command with a body: `text/plain` and form types are sendable cross-site
 * without one.
 */
export function parseJsonBody(bytes: Uint8Array, contentType: string | null, maxDepth = MAX_JSON_DEPTH): unknown {
  if (bytes.length === 0) return null;
  if (!isJsonContentType(contentType)) {
    throw new BodyRejected(415, `request body must be application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'no Content-Type'})`);
  }
  if (!nestingWithin(bytes, maxDepth)) throw new BodyRejected(400, `JSON nesting deeper than ${maxDepth} levels`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BodyRejected(400, 'body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyRejected(400, 'request body is not valid JSON');
  }
}
