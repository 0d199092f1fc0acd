import { describe, it, expect } from 'vitest';
import * as A from '../../test-support/asm';
import { GUEST_RAM_WASM_BASE, RVC_TABLE_BASE } from '../../layout/wasm-memory';
import { readBlock, readRegion, readRegionBlocks } from './block-reader';

const { a0, a1, ra, t1 } = A.X;
const CSRR_MHARTID = A.csrr(a0, 0xf14);

function memoryWith(words: number[], at = 0): WebAssembly.Memory {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
  const view = new DataView(memory.buffer);
  words.forEach((w, i) => view.setUint32(GUEST_RAM_WASM_BASE + at + 4 * i, w >>> 0, true));
  return memory;
}

describe('readBlock / readRegion', () => {
  it('ends a block after a branch and before an instruction it does not translate', () => {
    const memory = memoryWith([
      A.addi(a0, a0, 1),
      A.bne(a0, a1, -4),
      CSRR_MHARTID,
      A.addi(a0, 0, 2),
    ]);
    const block = readBlock(memory, GUEST_RAM_WASM_BASE)!;
    expect(block.blocks).toEqual([{ wasmPc: GUEST_RAM_WASM_BASE, instructions: 2 }]);
    expect(WebAssembly.validate(block.wasm)).toBe(true);
    expect(readBlock(memory, GUEST_RAM_WASM_BASE + 8)).toBeUndefined(); // CSR: interpreter
  });

  it('collects the static successors in the same page into one module', () => {
    // 0: beq → 16 ; 4: addi ; 8: jal → 0 ; 12: CSR (not translated) ; 16: addi ; 20: jalr
    const memory = memoryWith([
      A.beq(a0, a1, 16),
      A.addi(a0, a0, 1),
      A.jal(0, -8),
      CSRR_MHARTID,
      A.addi(a0, 0, 2),
      A.jalr(0, A.X.ra, 0),
    ]);
    const region = readRegion(memory, GUEST_RAM_WASM_BASE)!;
    const starts = region.blocks.map((b) => b.wasmPc - GUEST_RAM_WASM_BASE);
    expect(starts).toEqual([0, 4, 16]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(region.wasm), {
      env: { memory },
    });
    expect(Object.keys(instance.exports)).toEqual(['r0']); // one function, entry index = block
    expect(region.fpuImports).toEqual([]);
    // Blocks already translated are not repeated.
    const again = readRegion(memory, GUEST_RAM_WASM_BASE, {
      known: (pc) => pc !== GUEST_RAM_WASM_BASE,
    });
    expect(again!.blocks.map((b) => b.wasmPc - GUEST_RAM_WASM_BASE)).toEqual([0]);
  });

  it('follows taken jumps only to warm blocks, fall-throughs of branches always', () => {
    // 0: beq → 16 ; 4: addi ; 8: jal → 0 ; 12: addi ; 16: addi ; 20: jalr
    const memory = memoryWith([
      A.beq(a0, a1, 16),
      A.addi(a0, a0, 1),
      A.jal(0, -8),
      A.addi(a0, 0, 3),
      A.addi(a0, 0, 2),
      A.jalr(0, A.X.ra, 0),
    ]);
    const starts = (warm: (offset: number) => boolean) =>
      readRegion(memory, GUEST_RAM_WASM_BASE, {
        warm: (pc) => warm(pc - GUEST_RAM_WASM_BASE),
      })!.blocks.map((b) => b.wasmPc - GUEST_RAM_WASM_BASE);
    expect(starts(() => false)).toEqual([0, 4]);
    expect(starts((offset) => offset === 16)).toEqual([0, 4, 16]);
    // 12 follows a plain jump (often another function): only when warm.
    expect(starts(() => true)).toEqual([0, 4, 16, 12]);
  });

  it('reads auipc + jalr as a jump to its constant target, but does not grow into it', () => {
    const memory = memoryWith([
      A.beq(a0, 0, 20), // 0: → 20
      A.addi(a0, a0, -1), // 4
      A.auipc(ra, 0), // 8
      A.jalr(ra, ra, -8), // 12: calls 0, the region's own entry
      A.auipc(ra, 0), // 16: the return point
      A.jalr(ra, ra, 16), // 20: calls 32, reached by nothing else
      A.jalr(0, t1, 0), // 24
      A.addi(a1, a1, 1), // 28
      A.addi(a1, a1, 2), // 32
      A.jalr(0, ra, 0), // 36
    ]);
    const region = readRegionBlocks(memory, GUEST_RAM_WASM_BASE)!;
    const starts = region.starts.map((b) => b.wasmPc - GUEST_RAM_WASM_BASE);
    expect(starts).toEqual([0, 4, 20, 16, 24, 28]); // not 32: a call's target is not followed
    const last = (k: number) => region.blocks[k]!.insts.at(-1)!.inst;
    expect(last(1)).toEqual({ kind: 'jal', rd: ra, imm: -12n, far: true }); // 12 → 0
    expect(last(3)).toEqual({ kind: 'jal', rd: ra, imm: 12n, far: true }); // 20 → 32
    // Entered at the jalr itself (the branch to 20), its register is whatever was there.
    expect(last(2)).toMatchObject({ kind: 'jalr', rd: ra, rs1: ra });
    // A jalr whose register the block did not just set stays an indirect jump.
    expect(last(4)).toMatchObject({ kind: 'jalr', rd: 0, rs1: t1 });
  });

  it('never reads past the end of the page', () => {
    // A 4-byte instruction at offset 0xffe would cross the page: the block stops before it.
    const memory = memoryWith([A.addi(a0, a0, 1)], 0xff8);
    const view = new DataView(memory.buffer);
    view.setUint16(GUEST_RAM_WASM_BASE + 0xffc, 0x0505, true); // c.addi a0, 1
    view.setUint32(RVC_TABLE_BASE + 0x0505 * 4, A.addi(a0, a0, 1), true); // the CPU fills this table
    view.setUint16(GUEST_RAM_WASM_BASE + 0xffe, 0x0513, true); // low half of a 32-bit addi
    const region = readRegion(memory, GUEST_RAM_WASM_BASE + 0xff8)!;
    expect(region.blocks).toEqual([{ wasmPc: GUEST_RAM_WASM_BASE + 0xff8, instructions: 2 }]);
  });
});
