// Puts hart 0 of a test machine in S-mode with Sv39 paging on, the way a kernel's loader would:
// an M-mode stub at RAM_BASE opens PMP over everything, writes satp, sets MPP = S and mret's to
// the entry. RAM is identity-mapped by a gigapage in the root table, so code in RAM keeps running.
import * as A from './asm';
import { RAM_BASE, type TestMachine } from './machine.node';

const CSR = { satp: 0x180, mstatus: 0x300, mepc: 0x341, pmpcfg0: 0x3a0, pmpaddr0: 0x3b0 };
const { a1, a2, a3, a4, a5 } = A.X;
const STUB = [
  A.csrw(CSR.pmpaddr0, a3),
  A.csrw(CSR.pmpcfg0, a4),
  A.csrw(CSR.satp, a5),
  A.csrw(CSR.mstatus, a1),
  A.csrw(CSR.mepc, a2),
  A.MRET,
];

/** Runs the stub (its scratch registers a1–a5 are left 0): hart 0 is then in S-mode at `entry`
 * with satp = Sv39 over the root table at `root`, whose RAM gigapage entry is written here. */
export function enterSupervisorSv39(m: TestMachine, root: bigint, entry: bigint): void {
  m.writeU64(root + (RAM_BASE >> 30n) * 8n, ((RAM_BASE >> 12n) << 10n) | 0xcfn); // V R W X A D
  m.code(RAM_BASE, STUB);
  const hart = m.harts[0]!;
  hart.setX(a1, 1n << 11n); // MPP = S
  hart.setX(a2, entry);
  hart.setX(a3, (1n << 54n) - 1n); // PMP NAPOT over everything
  hart.setX(a4, 0x1fn); // NAPOT, R W X
  hart.setX(a5, (8n << 60n) | (root >> 12n));
  m.run(STUB.length);
  for (const r of [a1, a2, a3, a4, a5]) hart.setX(r, 0n);
  if (hart.pc !== entry) throw new Error(`not at the S-mode entry: pc ${hart.pc.toString(16)}`);
}
