// Reads and decodes blocks from guest RAM at wasm (= physical) addresses. A block is straight-line
// code up to the first control transfer, the first instruction the translator does not handle,
// the end of the 4 KiB page (a block never spans two physical pages) or a length limit. A region
// is the block at an entry plus the blocks statically reachable from it inside the same page
// (branch and JAL targets, fall-throughs incl. call return points), compiled into one function.
import { HART_STATE_BASE, RVC_TABLE_BASE } from '../../layout/wasm-memory';
import { decode, endsBlock, type Inst } from './decode';
import {
  compileRegions,
  type BlockInst,
  type DecodedBlock,
  type RegionBlocks,
  type RegionChain,
} from './block-compiler';

export const MAX_BLOCK_INSTRUCTIONS = 64;
export const MAX_REGION_BLOCKS = 64;

/** Wasm address and instruction count of each block of a region (index 0: its entry). */
export type RegionStarts = { wasmPc: number; instructions: number }[];

export interface RegionCode {
  /** WASM module exporting `r0` (see block-compiler.ts); entry index i is `blocks[i]`. */
  wasm: Uint8Array;
  /** CPU exports the module imports from "fpu". */
  fpuImports: string[];
  blocks: RegionStarts;
}

/** A region read but not compiled yet (several go into one module: compileRegions). */
export interface ReadRegion extends RegionBlocks {
  starts: RegionStarts;
}

interface ReadBlock extends DecodedBlock {
  /** Page offsets of statically known successors inside the same page. */
  successors: number[];
  /** The successor where a conditional branch falls through, or straight-line code goes on
   * after a length limit: reached without a taken jump, so no branch-heat count says whether it
   * is hot. */
  fallThrough?: number;
  /** Page offset where a call at the end of this block returns (JAL/JALR with a link). */
  returnPoint?: number;
}

/** `auipc r, hi; jalr rd, lo(r)` (a call or tail call beyond JAL's reach, or any call linked
 * without relaxation) reads as a JAL to its constant target. The region does not grow into the
 * target for it (a caller would absorb its callees, and its loops would then share registers
 * with theirs), but when the target is in the region anyway — a function calling itself — the
 * call stays inside it instead of leaving through the region's exit and entry. */
function farJump(inst: Inst | undefined, before: BlockInst | undefined, offset: number) {
  if (inst?.kind !== 'jalr' || before?.inst.kind !== 'auipc') return inst;
  const auipc = before.inst;
  if (auipc.rd === 0 || auipc.rd !== inst.rs1) return inst;
  const imm = BigInt(before.offset - offset) + auipc.imm + (inst.imm & -2n);
  return { kind: 'jal', rd: inst.rd, imm, far: true } satisfies Inst;
}

/** Decodes the block at `wasmPc`; undefined if its first instruction must be interpreted. */
function readOne(view: DataView, wasmPc: number, maxInsns: number): ReadBlock | undefined {
  const insts: BlockInst[] = [];
  const page = wasmPc - (wasmPc & 0xfff);
  const start = wasmPc & 0xfff;
  const successors: number[] = [];
  let offset = start;
  while (insts.length < maxInsns) {
    if (offset + 2 > 4096) break;
    const half = view.getUint16(page + offset, true);
    let word: number;
    let length: 2 | 4;
    if ((half & 3) !== 3) {
      word = view.getUint32(RVC_TABLE_BASE + half * 4, true);
      length = 2;
    } else {
      if (offset + 4 > 4096) break; // crosses the page: the interpreter fetches it
      word = view.getUint32(page + offset, true);
      length = 4;
    }
    const inst = word === 0 ? undefined : farJump(decode(word), insts.at(-1), offset);
    if (!inst) {
      // The dispatcher finds no block there and lets the interpreter run it; the code after
      // it is worth translating with the region.
      successors.push(offset + length);
      break;
    }
    insts.push({ inst, offset, length });
    offset += length;
    if (endsBlock(inst)) {
      // The fall-through is also where a call (JAL/JALR with a link) returns to, and after a
      // plain jump usually the next function: worth translating with the region.
      successors.push(offset);
      if (inst.kind === 'branch' || (inst.kind === 'jal' && !inst.far)) {
        successors.push(offset - length + Number(inst.imm));
      }
      break;
    }
  }
  if (insts.length === 0) return undefined;
  const last = insts[insts.length - 1]!.inst;
  if (!endsBlock(last)) successors.push(offset);
  const falls = last.kind === 'branch' || (!endsBlock(last) && successors.length === 1);
  const links = (last.kind === 'jal' || last.kind === 'jalr') && last.rd !== 0;
  return {
    start,
    insts,
    endOffset: offset,
    successors,
    ...(falls && { fallThrough: offset }),
    ...(links && { returnPoint: offset }),
  };
}

export interface RegionOptions {
  /** Blocks already translated (not repeated, except as this region's call return points). */
  known?: (wasmPc: number) => boolean;
  /** Whether a block reached by a taken jump is worth translating now (mixed mode: its
   * branch-heat count); fall-throughs of included blocks always are. */
  warm?: (wasmPc: number) => boolean;
  /** Exits tail-call the translated regions they lead to (region-chain.ts). */
  chain?: Omit<RegionChain, 'wasmPage'>;
  maxBlocks?: number;
  maxInsns?: number;
  /** State block of the hart that will run the code (readRegion; default hart 0's). */
  hb?: number;
}

/** The region entered at `wasmPc` compiled into its own module (export `r0`); undefined if its
 * first instruction must be interpreted. */
export function readRegion(
  memory: WebAssembly.Memory,
  wasmPc: number,
  options: RegionOptions = {},
): RegionCode | undefined {
  const region = readRegionBlocks(memory, wasmPc, options);
  if (!region) return undefined;
  return {
    ...compileRegions([region], options.hb ?? HART_STATE_BASE),
    blocks: region.starts,
  };
}

/** The blocks of the region entered at `wasmPc`; undefined if its first instruction must be
 * interpreted. */
export function readRegionBlocks(
  memory: WebAssembly.Memory,
  wasmPc: number,
  options: RegionOptions = {},
): ReadRegion | undefined {
  const {
    known = () => false,
    warm = () => true,
    maxBlocks = MAX_REGION_BLOCKS,
    maxInsns = MAX_BLOCK_INSTRUCTIONS,
  } = options;
  const view = new DataView(memory.buffer);
  const first = readOne(view, wasmPc, maxInsns);
  if (!first) return undefined;
  const page = wasmPc - (wasmPc & 0xfff);
  const found: ReadBlock[] = [first];
  const seen = new Set([wasmPc]);
  for (let i = 0; i < found.length && found.length < maxBlocks; i++) {
    for (const offset of found[i]!.successors) {
      const target = page + offset;
      if (offset < 0 || offset >= 4096 || (offset & 1) !== 0 || seen.has(target)) continue;
      seen.add(target);
      // Blocks translated elsewhere are not repeated, except where this region's calls return:
      // with them the return (JALR) stays inside the region.
      if (known(target) && offset !== found[i]!.returnPoint) continue;
      if (offset !== found[i]!.fallThrough && !warm(target)) {
        seen.delete(target); // another block may fall through to it
        continue;
      }
      const block = readOne(view, target, maxInsns);
      if (block && found.length < maxBlocks) found.push(block);
    }
  }
  const chain = options.chain && { ...options.chain, wasmPage: page };
  return {
    blocks: found,
    ...(chain && { chain }),
    starts: found.map((f) => ({ wasmPc: page + f.start, instructions: f.insts.length })),
  };
}

/** A single block (tests and tools). */
export function readBlock(
  memory: WebAssembly.Memory,
  wasmPc: number,
  maxInsns = MAX_BLOCK_INSTRUCTIONS,
): RegionCode | undefined {
  return readRegion(memory, wasmPc, { maxBlocks: 1, maxInsns });
}

/** How many instructions from `wasmPc` the interpreter may run in one call where no block
 * starts (the first instruction is one the translator does not handle): the rest of the basic
 * block, up to and including its branch or jump, stopping before anything the dispatcher must
 * see itself (SYSTEM opcode: traps, xRET, CSR, WFI; FENCE.I; illegal patterns) and at the page
 * end. At least 1. */
export function interpretableRun(memory: WebAssembly.Memory, wasmPc: number, max = 64): number {
  const view = new DataView(memory.buffer);
  const pageLeft = 4096 - (wasmPc & 0xfff);
  let offset = 0;
  let count = 0;
  while (count < max && offset + 2 <= pageLeft) {
    const half = view.getUint16(wasmPc + offset, true);
    const compressed = (half & 3) !== 3;
    if (!compressed && offset + 4 > pageLeft) break;
    const word = compressed
      ? view.getUint32(RVC_TABLE_BASE + half * 4, true)
      : view.getUint32(wasmPc + offset, true);
    const opcode = word & 0x7f;
    if (word === 0 || opcode === 0x73 || (word & 0x707f) === 0x100f) break;
    count++;
    offset += compressed ? 2 : 4;
    if (opcode === 0x63 || opcode === 0x67 || opcode === 0x6f) break; // control transfer
  }
  return Math.max(count, 1);
}
