import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from './test-support/machine.node';
import * as A from './test-support/asm';
import { X } from './test-support/asm';
import * as H from './layout/hart-state';

const f64 = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
};
const FS_SHIFT = 13n;
const FADD_D = 0x01,
  FDIV_D = 0x0d,
  FADD_S = 0x00,
  FMV_X_D = 0x71,
  FMV_W_X = 0x78,
  FCVT_W_D = 0x61;
const FMADD = 0x43,
  FNMSUB = 0x4b;
const HANDLER = RAM_BASE + 0x800n;

async function fpMachine(code: number[], fs = 1n): Promise<TestMachine> {
  const m = await createTestMachine();
  m.code(RAM_BASE, [...code, A.SPIN]);
  m.code(HANDLER, [A.SPIN]);
  const hart = m.harts[0]!;
  hart.setCsr(H.HS_MTVEC, HANDLER);
  hart.setCsr(H.HS_MSTATUS, fs << FS_SHIFT);
  return m;
}

/** R4-type fused multiply-add (fmt D, rm dynamic). */
const r4 = (op: number, rd: number, rs1: number, rs2: number, rs3: number) =>
  ((rs3 << 27) | (1 << 25) | (rs2 << 20) | (rs1 << 15) | (7 << 12) | (rd << 7) | op) >>> 0;

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('F/D instructions in the CPU', () => {
  it('traps every FP instruction while mstatus.FS is Off', async () => {
    const m = await fpMachine([A.opFp(FADD_D, 1, 2, 3)], 0n);
    m.run(2);
    expect(m.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n);
    const csr = await fpMachine([A.csrr(X.a0, 0x003)], 0n);
    csr.run(2);
    expect(csr.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n);
  });

  it('adds doubles through the FPU, marks FS dirty and shows SD in mstatus', async () => {
    const m = await fpMachine([
      A.opFp(FADD_D, 3, 1, 2),
      A.opFp(FMV_X_D, X.a0, 3, 0, 0),
      A.csrr(X.a1, 0x300),
    ]);
    const hart = m.harts[0]!;
    hart.setF(1, f64(1.5));
    hart.setF(2, f64(2.25));
    m.run(4);
    expect(hart.x(X.a0)).toBe(f64(3.75));
    expect((hart.x(X.a1) >> FS_SHIFT) & 3n).toBe(3n);
    expect(hart.x(X.a1) >> 63n).toBe(1n);
  });

  it('NaN-boxes singles and reads improperly boxed singles as the canonical NaN', async () => {
    const m = await fpMachine([
      A.opFp(FMV_W_X, 1, X.a0, 0, 0), // f1 = boxed 1.0f
      A.opFp(FADD_S, 3, 2, 2), // f2 holds a double: not boxed
    ]);
    const hart = m.harts[0]!;
    hart.setX(X.a0, 0x3f80_0000n);
    hart.setF(2, f64(1.0));
    m.run(3);
    expect(hart.f(1)).toBe(0xffff_ffff_3f80_0000n);
    expect(hart.f(3)).toBe(0xffff_ffff_7fc0_0000n);
  });

  it('accrues fflags (1/0 sets DZ) and rejects reserved rounding modes', async () => {
    const m = await fpMachine([
      A.opFp(FDIV_D, 3, 1, 2),
      A.csrr(X.a0, 0x001),
      A.opFp(FADD_D, 3, 1, 1, 5),
    ]);
    const hart = m.harts[0]!;
    hart.setF(1, f64(1));
    hart.setF(2, f64(0));
    m.run(4);
    expect(hart.f(3)).toBe(f64(Infinity));
    expect(hart.x(X.a0)).toBe(8n);
    expect(hart.csr(H.HS_MCAUSE)).toBe(2n);
    expect(hart.csr(H.HS_MEPC)).toBe(RAM_BASE + 8n);
  });

  it('rm=7 uses frm, and an invalid frm makes dynamic-rounding instructions illegal', async () => {
    const m = await fpMachine([A.csrrwi(X.zero, 0x002, 5), A.opFp(FADD_D, 3, 1, 1)]);
    m.run(3);
    expect(m.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n);
    expect(m.harts[0]!.csr(H.HS_MEPC)).toBe(RAM_BASE + 4n);
  });

  it('builds fnmsub from one fused multiply-add with sign flips', async () => {
    const m = await fpMachine([r4(FMADD, 4, 1, 2, 3), r4(FNMSUB, 5, 1, 2, 3)]);
    const hart = m.harts[0]!;
    hart.setF(1, f64(3));
    hart.setF(2, f64(4));
    hart.setF(3, f64(5));
    m.run(3);
    expect(hart.f(4)).toBe(f64(17)); // 3*4 + 5
    expect(hart.f(5)).toBe(f64(-7)); // -(3*4) + 5
  });

  it('converts NaN to the largest int32 with NV, and loads/stores doubles', async () => {
    const m = await fpMachine([
      A.opFp(FCVT_W_D, X.a0, 1, 0, 1),
      A.csrr(X.a1, 0x001),
      A.fld(2, X.s0, 0),
      A.fsd(X.s0, 2, 8),
    ]);
    const hart = m.harts[0]!;
    hart.setF(1, 0x7ff8_0000_0000_0000n);
    hart.setX(X.s0, RAM_BASE + 0x4000n);
    m.writeU64(RAM_BASE + 0x4000n, f64(6.5));
    m.run(5);
    expect(hart.x(X.a0)).toBe(0x7fff_ffffn);
    expect(hart.x(X.a1)).toBe(16n);
    expect(m.readU64(RAM_BASE + 0x4008n)).toBe(f64(6.5));
  });
});
