// Reads and decodes blocks from guest RAM at wasm (= physical) addresses. A block is straight-line
// code up to the first control transfer, the first instruction the translator does not handle,
// the end of the 4 KiB page (a block never spans two physical pages) or a length limit. A region
// is the block at an entry plus the blocks statically reachable from it inside the same page
// (branch and JAL targets, fall-throughs incl. call return points), compiled together into one module.
import { RVC_TABLE_BASE } from '../../layout/wasm-memory';
import { decode, endsBlock } from './decode';
import { compileBlocks, JIT_STATUS_END, type BlockInst, type DecodedBlock } from './block-compiler';

export const MAX_BLOCK_INSTRUCTIONS = 64;
export const MAX_REGION_BLOCKS = 64;

export interface RegionCode {
  /** WASM module exporting b0..bN-1, one per entry of `blocks`. */
  wasm: Uint8Array;
  /** Wasm address and instruction count of each exported block (b0 is the requested entry). */
  blocks: { wasmPc: number; instructions: number }[];
}

interface ReadBlock extends DecodedBlock {
  /** Page offsets of statically known successors inside the same page. */
  successors: number[];
}

/** Decodes the block at `wasmPc`; undefined if its first instruction must be interpreted. */
function readOne(view: DataView, wasmPc: number, maxInsns: number): ReadBlock | undefined {
  const insts: BlockInst[] = [];
  const pageOffset = wasmPc & 0xfff;
  const pageLeft = 4096 - pageOffset;
  const successors: number[] = [];
  let offset = 0;
  const endStatus = JIT_STATUS_END;
  while (insts.length < maxInsns) {
    if (offset + 2 > pageLeft) break;
    const half = view.getUint16(wasmPc + offset, true);
    let word: number;
    let length: 2 | 4;
    if ((half & 3) !== 3) {
      word = view.getUint32(RVC_TABLE_BASE + half * 4, true);
      length = 2;
    } else {
      if (offset + 4 > pageLeft) break; // crosses the page: the interpreter fetches it
      word = view.getUint32(wasmPc + offset, true);
      length = 4;
    }
    const inst = word === 0 ? undefined : decode(word);
    if (!inst) {
      // Ends with JIT_STATUS_END: the dispatcher's lookup there finds no block and lets the
      // interpreter run the rest of the basic block in one call (interpretableRun).
      successors.push(pageOffset + offset + length); // after the interpreter's step
      break;
    }
    insts.push({ inst, offset, length });
    offset += length;
    if (endsBlock(inst)) {
      // The fall-through is also where a call (JAL/JALR with a link) returns to, and after a
      // plain jump usually the next function: worth translating with the region.
      successors.push(pageOffset + offset);
      if (inst.kind === 'branch' || inst.kind === 'jal') {
        successors.push(pageOffset + offset - length + Number(inst.imm));
      }
      break;
    }
  }
  if (insts.length === 0) return undefined;
  if (!endsBlock(insts[insts.length - 1]!.inst)) {
    successors.push(pageOffset + offset); // length limit: continues with the next block
  }
  return { insts, endOffset: offset, endStatus, successors };
}

/** The region entered at `wasmPc`; undefined if its first instruction must be interpreted.
 * `known(wasmPc)` tells which blocks are already translated (they are not repeated). */
export function readRegion(
  memory: WebAssembly.Memory,
  wasmPc: number,
  known: (wasmPc: number) => boolean = () => false,
  maxBlocks = MAX_REGION_BLOCKS,
  maxInsns = MAX_BLOCK_INSTRUCTIONS,
): RegionCode | undefined {
  const view = new DataView(memory.buffer);
  const first = readOne(view, wasmPc, maxInsns);
  if (!first) return undefined;
  const page = wasmPc - (wasmPc & 0xfff);
  const found: { wasmPc: number; block: ReadBlock }[] = [{ wasmPc, block: first }];
  const seen = new Set([wasmPc]);
  for (let i = 0; i < found.length && found.length < maxBlocks; i++) {
    for (const offset of found[i]!.block.successors) {
      const target = page + offset;
      if (offset < 0 || offset >= 4096 || (offset & 1) !== 0 || seen.has(target)) continue;
      seen.add(target);
      if (known(target)) continue;
      const block = readOne(view, target, maxInsns);
      if (block && found.length < maxBlocks) found.push({ wasmPc: target, block });
    }
  }
  return {
    wasm: compileBlocks(found.map((f) => f.block)),
    blocks: found.map((f) => ({ wasmPc: f.wasmPc, instructions: f.block.insts.length })),
  };
}

/** A single block (tests and tools): module exporting b0. */
export function readBlock(
  memory: WebAssembly.Memory,
  wasmPc: number,
  maxInsns = MAX_BLOCK_INSTRUCTIONS,
): RegionCode | undefined {
  return readRegion(memory, wasmPc, () => false, 1, maxInsns);
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
