import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Names no other text has, to search stores for. A marker is ASCII letters and digits, so JSON
 * escaping leaves it as it is; the names built from it may add a non-ASCII letter after it, which
 * a store could escape (`\u00eb`) or encode otherwise: searching for the marker itself finds the
 * name whatever happened to that letter.
 */
export const newMarker = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;

/**
 * The byte forms a marker could take in a file or a message: UTF-8 (text, JSON, jsonb, a bytea's
 * raw bytes), UTF-16 (a JavaScript heap or a Java string), hex (a bytea as text), and base64 at
 * each of the three alignments it could have inside a longer base64 text.
 */
export function markerForms(marker: string): { form: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(marker, 'utf8');
  const base64 = [0, 1, 2].map((shift) => {
    const text = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64');
    // Leave out the characters that mix in bytes around the marker.
    const from = Math.ceil((shift * 4) / 3) + (shift ? 1 : 0);
    return text.slice(from, Math.floor(((shift + utf8.length) * 4) / 3) - 1).replaceAll('+', '-').replaceAll('/', '_');
  });
  return [
    { form: 'utf-8', bytes: utf8 },
    { form: 'utf-16', bytes: Buffer.from(marker, 'utf16le') },
    { form: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    ...base64.flatMap((url, shift) => {
      const plain = url.replaceAll('-', '+').replaceAll('_', '/');
      return plain === url ? [{ form: `base64@${shift}`, bytes: Buffer.from(url) }] : [{ form: `base64url@${shift}`, bytes: Buffer.from(url) }, { form: `base64@${shift}`, bytes: Buffer.from(plain) }];
    }),
  ];
}

/** Which of the markers these bytes hold, and in what form: `marker (form)`. */
export function markersIn(bytes: Uint8Array, markers: readonly string[]): string[] {
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return markers.flatMap((marker) => markerForms(marker).filter(({ bytes }) => haystack.includes(bytes)).map(({ form }) => `${marker} (${form})`));
}

/** Every file under `dir`, with what `markersIn` finds in it: `path: marker (form)`. */
export function markersInFiles(dir: string, markers: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)));
    for (const hit of markersIn(readFileSync(path), markers)) found.push(`${path.slice(dir.length + 1)}: ${hit}`);
  };
  walk(dir);
  return found;
}

/** Every file under `dir` (all of them, whatever they are) holding these exact bytes. */
export function filesHolding(dir: string, needle: Uint8Array): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)));
    if (readFileSync(path).includes(needle)) found.push(path.slice(dir.length + 1));
  };
  walk(dir);
  return found;
}
