// Static facts about a decoded block that the code generator needs before emitting it.
import type { BlockInst } from './block-compiler';

export function readRegisters(insts: readonly BlockInst[]): number[] {
  const read = new Set<number>();
  for (const { inst } of insts) {
    if ('rs1' in inst) read.add(inst.rs1);
    if ('rs2' in inst) read.add(inst.rs2);
  }
  read.delete(0);
  return [...read].sort((x, y) => x - y);
}

export function writtenRegisters(insts: readonly BlockInst[]): number[] {
  const written = new Set<number>();
  for (const { inst } of insts) if ('rd' in inst && inst.rd !== 0) written.add(inst.rd);
  return [...written];
}

/** The block ends with a branch or JAL back to its own first instruction. */
export function jumpsToStart(insts: readonly BlockInst[]): boolean {
  const last = insts[insts.length - 1];
  if (!last || (last.inst.kind !== 'branch' && last.inst.kind !== 'jal')) return false;
  return BigInt(last.offset) + last.inst.imm === 0n;
}
