/** Flattened device tree (DTB v17): a generic writer and a small bounds-checked reader. */
export { FdtBuilder, FdtNode, type U64 } from './fdt-writer';
export {
  parseFdt,
  findNode,
  propStrings,
  propU32s,
  propU64s,
  type ParsedFdt,
  type ParsedFdtNode,
  type FdtReservation,
} from './fdt-reader';
export { FdtError } from './fdt-format';
