// Static facts about decoded code that the code generator needs before emitting it.
import type { Inst } from './decode';
import { fpRegisterUse } from './decode-fp';

export interface RegisterUse {
  xr: number[];
  xw: number[];
  fr: number[];
  fw: number[];
}

/** Registers one instruction reads and writes (x0 never included). */
export function registerUse(inst: Inst): RegisterUse {
  if (inst.kind === 'fload' || inst.kind === 'fstore' || inst.kind === 'fp') {
    const use = fpRegisterUse(inst);
    use.xr = use.xr.filter((r) => r !== 0);
    return use;
  }
  const xr: number[] = [];
  if ('rs1' in inst && inst.rs1 !== 0) xr.push(inst.rs1);
  if ('rs2' in inst && inst.rs2 !== 0) xr.push(inst.rs2);
  const xw = 'rd' in inst && inst.rd !== 0 ? [inst.rd] : [];
  return { xr, xw, fr: [], fw: [] };
}

/** Union of the register use of many instructions, each list sorted. */
export function collectRegisterUse(insts: Iterable<Inst>): RegisterUse {
  const sets = {
    xr: new Set<number>(),
    xw: new Set<number>(),
    fr: new Set<number>(),
    fw: new Set<number>(),
  };
  for (const inst of insts) {
    const use = registerUse(inst);
    for (const key of ['xr', 'xw', 'fr', 'fw'] as const) for (const r of use[key]) sets[key].add(r);
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  return { xr: sorted(sets.xr), xw: sorted(sets.xw), fr: sorted(sets.fr), fw: sorted(sets.fw) };
}

/** The instruction touches the F/D state (needs mstatus.FS on). */
export function isFp(inst: Inst): boolean {
  return inst.kind === 'fload' || inst.kind === 'fstore' || inst.kind === 'fp';
}
