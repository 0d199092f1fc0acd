export { crc32 } from './crc32';
export { SnapshotError } from './snapshot-error';
export {
  SNAPSHOT_FORMAT_VERSION,
  SNAPSHOT_MAGIC,
  decodeSnapshot,
  encodeSnapshot,
  type DecodeOptions,
  type SnapshotContents,
  type SnapshotHeader,
} from './container';
export { decodeState, encodeState } from './state-json';
export {
  MACHINE_SECTIONS,
  MEMORY_SECTION,
  SnapshotReader,
  SnapshotWriter,
  type MachineSnapshot,
} from './machine-snapshot';
export { decodeUtf8, encodeUtf8, utf8Length } from './utf8';
