import type { GraphImage } from '../graph/graph-image';

/** Raised for bytes that are not a snapshot this code can load; the caller replays the log instead. */
export class SnapshotMismatch extends Error {}

/**
 * Bumped whenever the layout below or the meaning of a column changes: older snapshots are then
 * ignored. Format 3 dropped the names section (format 2 held every user's names).
 */
export const SNAPSHOT_FORMAT = 3;
const MAGIC = 0x4e534752; // "RGSN" read little-endian
const HEADER_BYTES = 32;

/**
 * The binary layout of a graph image: a header (magic, format, the log position covered, counts),
 * then each column as raw little-endian numbers, every section starting on 8 bytes so that loading
 * views the columns in place instead of parsing them. About 13 bytes per friendship stream, 25 per
 * user.
 */
function layout(users: number, streams: number) {
  let at = HEADER_BYTES;
  const section = (bytes: number) => {
    const start = at;
    at += Math.ceil(bytes / 8) * 8;
    return start;
  };
  const offsets = {
    ids: section(4 * users),
    versions: section(4 * users),
    createdAt: section(8 * users),
    lastModified: section(8 * users),
    erased: section(users),
    a: section(4 * streams),
    b: section(4 * streams),
    streamVersions: section(4 * streams),
    linked: section(streams),
  };
  return { offsets, total: at };
}

export function encodeSnapshot(image: GraphImage, position: number): Uint8Array {
  const users = image.users.ids.length;
  const streams = image.streams.a.length;
  const { offsets: o, total } = layout(users, streams);
  const bytes = new Uint8Array(total);
  const head = new DataView(bytes.buffer);
  head.setUint32(0, MAGIC, true);
  head.setUint32(4, SNAPSHOT_FORMAT, true);
  head.setFloat64(8, position, true);
  head.setUint32(16, users, true);
  head.setUint32(24, streams, true);
  const put = (at: number, column: ArrayBufferView) => bytes.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
  put(o.ids, image.users.ids);
  put(o.versions, image.users.versions);
  put(o.createdAt, image.users.createdAt);
  put(o.lastModified, image.users.lastModified);
  put(o.erased, image.users.erased);
  put(o.a, image.streams.a);
  put(o.b, image.streams.b);
  put(o.streamVersions, image.streams.versions);
  put(o.linked, image.streams.linked);
  return bytes;
}

/** The image and the log position it covers; throws SnapshotMismatch for anything else. */
export function decodeSnapshot(stored: Uint8Array): { image: GraphImage; position: number } {
  // At offset 0 of a buffer of its own (a copy if need be), so that every column can be viewed in place, aligned.
  const bytes = stored.byteOffset === 0 && stored.buffer.byteLength === stored.length ? stored : stored.slice();
  if (bytes.length < HEADER_BYTES) throw new SnapshotMismatch(`${bytes.length} bytes is too short for a snapshot`);
  const head = new DataView(bytes.buffer);
  if (head.getUint32(0, true) !== MAGIC) throw new SnapshotMismatch('not a graph snapshot');
  const format = head.getUint32(4, true);
  if (format !== SNAPSHOT_FORMAT) throw new SnapshotMismatch(`snapshot format ${format}, this version reads ${SNAPSHOT_FORMAT}`);
  const position = head.getFloat64(8, true);
  const users = head.getUint32(16, true);
  const streams = head.getUint32(24, true);
  const { offsets: o, total } = layout(users, streams);
  if (total !== bytes.length) throw new SnapshotMismatch(`the header describes ${total} bytes, the snapshot has ${bytes.length}`);
  if (!Number.isSafeInteger(position) || position < 0) throw new SnapshotMismatch(`bad log position ${position}`);
  const buffer = bytes.buffer;
  return {
    position,
    image: {
      users: {
        ids: new Int32Array(buffer, o.ids, users),
        versions: new Int32Array(buffer, o.versions, users),
        createdAt: new Float64Array(buffer, o.createdAt, users),
        lastModified: new Float64Array(buffer, o.lastModified, users),
        erased: new Uint8Array(buffer, o.erased, users),
      },
      streams: {
        a: new Int32Array(buffer, o.a, streams),
        b: new Int32Array(buffer, o.b, streams),
        versions: new Int32Array(buffer, o.streamVersions, streams),
        linked: new Uint8Array(buffer, o.linked, streams),
      },
    },
  };
}
