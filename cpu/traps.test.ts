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
import * as E from './layout/exit-reasons';

const HANDLER = RAM_BASE + 0x800n;
const IRQ = 1n << 63n;
const CSR = {
  sstatus: 0x100,
  stvec: 0x105,
  sepc: 0x141,
  scause: 0x142,
  stimecmp: 0x14d,
  mstatus: 0x300,
  medeleg: 0x302,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mepc: 0x341,
  mip: 0x344,
  cycle: 0xc00,
  time: 0xc01,
};
const MSTATUS_MIE = 1n << 3n;
const MPP_SHIFT = 11n;

/** A machine whose M-mode trap vector (direct) spins at HANDLER. */
async function machine(
  options: Parameters<typeof createTestMachine>[0] = {},
): Promise<TestMachine> {
  const m = await createTestMachine(options);
  m.code(HANDLER, [A.SPIN]);
  m.harts[0]!.setCsr(H.HS_MTVEC, HANDLER);
  return m;
}

/** Drop hart 0 into U- or S-mode at `pc` through mret. */
function enter(m: TestMachine, priv: 0 | 1, pc: bigint): void {
  const hart = m.harts[0]!;
  hart.setCsr(H.HS_MSTATUS, BigInt(priv) << MPP_SHIFT);
  hart.setCsr(H.HS_MEPC, pc);
  m.code(RAM_BASE, [A.MRET]);
  m.run(1);
  expect(hart.priv).toBe(priv);
}

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('exceptions', () => {
  it('ecall from M traps to mtvec with mcause 11 and mepc at the ecall', async () => {
    const m = await machine();
    m.code(RAM_BASE, [A.addi(X.a0, X.zero, 1), A.ECALL]);
    m.run(5);
    const hart = m.harts[0]!;
    expect(hart.pc).toBe(HANDLER);
    expect(hart.csr(H.HS_MCAUSE)).toBe(11n);
    expect(hart.csr(H.HS_MEPC)).toBe(RAM_BASE + 4n);
    expect(hart.trapsByCause()[11]).toBe(1n);
  });

  it('an unknown CSR is illegal with the instruction bits in mtval; ebreak reports its pc', async () => {
    const m = await machine();
    const bad = A.csrr(X.a0, 0x7c0);
    m.code(RAM_BASE, [bad]);
    m.run(2);
    expect(m.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n);
    expect(m.harts[0]!.csr(H.HS_MTVAL)).toBe(BigInt(bad));
    const m2 = await machine();
    m2.code(RAM_BASE, [A.EBREAK]);
    m2.run(2);
    expect(m2.harts[0]!.csr(H.HS_MCAUSE)).toBe(3n);
    expect(m2.harts[0]!.csr(H.HS_MTVAL)).toBe(RAM_BASE);
  });

  it('mret enters U-mode; U cannot touch M CSRs and counters need mcounteren', async () => {
    const m = await machine();
    const user = RAM_BASE + 0x100n;
    m.code(user, [A.csrr(X.a0, CSR.mstatus)]);
    enter(m, 0, user);
    m.run(2);
    const hart = m.harts[0]!;
    expect(hart.priv).toBe(3);
    expect(hart.csr(H.HS_MCAUSE)).toBe(2n);
    expect((hart.csr(H.HS_MSTATUS) >> MPP_SHIFT) & 3n).toBe(0n); // MPP records U

    const m2 = await machine();
    m2.code(user, [A.csrr(X.a0, CSR.cycle), A.csrr(X.a1, CSR.time), A.ECALL]);
    m2.harts[0]!.setCsr(H.HS_MCOUNTEREN, 1n); // cycle allowed, time not
    m2.harts[0]!.setCsr(H.HS_SCOUNTEREN, 1n);
    m2.time.now = 1234n;
    enter(m2, 0, user);
    m2.run(3);
    expect(m2.harts[0]!.csr(H.HS_MEPC)).toBe(user + 4n); // the time read faulted
    expect(m2.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n);
  });

  it('medeleg sends a U-mode ecall to S-mode with scause, sepc and SPP', async () => {
    const m = await machine();
    const user = RAM_BASE + 0x100n;
    const stvec = RAM_BASE + 0x400n;
    m.code(user, [A.ECALL]);
    m.code(stvec, [A.SPIN]);
    const hart = m.harts[0]!;
    hart.setCsr(H.HS_MEDELEG, 1n << 8n);
    hart.setCsr(H.HS_STVEC, stvec);
    enter(m, 0, user);
    hart.setCsr(H.HS_MSTATUS, hart.csr(H.HS_MSTATUS) | 2n); // SIE (to see SPIE)
    m.run(2);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(stvec);
    expect(hart.csr(H.HS_SCAUSE)).toBe(8n);
    expect(hart.csr(H.HS_SEPC)).toBe(user);
    const status = hart.csr(H.HS_MSTATUS);
    expect(status & (1n << 8n)).toBe(0n); // SPP = U
    expect(status & (1n << 5n)).not.toBe(0n); // SPIE = old SIE
    expect(status & 2n).toBe(0n); // SIE cleared
  });

  it('a device read becomes an mmio_read call; a bus error becomes a load access fault', async () => {
    const m = await machine({
      hooks: {
        mmioRead: (_hart, addr) => {
          if (addr === 0x1000_0000n) return 0xabn;
          m.harts[0]!.signalBusError();
          return 0n;
        },
      },
    });
    m.code(RAM_BASE, [
      ...A.li(X.s0, 0x1000_0000n),
      A.load(4, X.a0, X.s0, 0),
      A.load(4, X.a1, X.s0, 0x100),
    ]);
    m.run(5);
    const hart = m.harts[0]!;
    expect(hart.x(X.a0)).toBe(0xabn);
    expect(hart.csr(H.HS_MCAUSE)).toBe(5n);
    expect(hart.csr(H.HS_MTVAL)).toBe(0x1000_0100n);
    expect(hart.counters().mmioRead).toBe(2n);
  });

  it('reports a trap loop when the vector itself faults', async () => {
    const m = await machine();
    m.harts[0]!.setCsr(H.HS_MTVEC, 0x1000n); // nothing there: fetch access fault at the vector
    m.code(RAM_BASE, [A.ECALL]);
    expect(m.run(10_000)).toBe(E.EXIT_TRAP_LOOP);
    expect(m.harts[0]!.i32(H.HS_EXIT_DETAIL)).toBe(1);
  });

  it('returns EXIT_STOP_REQUESTED when another thread sets the control word', async () => {
    const m = await machine();
    m.code(RAM_BASE, [A.SPIN]);
    m.harts[0]!.requestStop();
    expect(m.run(100_000)).toBe(E.EXIT_STOP_REQUESTED);
    m.harts[0]!.clearStop();
    expect(m.run(1000)).toBe(E.EXIT_BUDGET);
  });
});

describe('virtualization traps (mstatus.TVM, TW, TSR)', () => {
  const MSTATUS_TVM = 1n << 20n;
  const MSTATUS_TW = 1n << 21n;
  const MSTATUS_TSR = 1n << 22n;
  const cases: [string, bigint, number][] = [
    ['TVM: satp access', MSTATUS_TVM, A.csrr(X.a0, 0x180)],
    ['TVM: sfence.vma', MSTATUS_TVM, A.sfenceVma(0, 0)],
    ['TW: wfi', MSTATUS_TW, A.WFI],
    ['TSR: sret', MSTATUS_TSR, A.SRET],
  ];
  it.each(cases)('%s in S-mode is illegal when set, allowed when clear', async (_n, bit, insn) => {
    for (const set of [true, false]) {
      const m = await machine();
      const sCode = RAM_BASE + 0x100n;
      m.code(sCode, [insn, A.SPIN]);
      const hart = m.harts[0]!;
      hart.setCsr(H.HS_SEPC, sCode + 4n); // where a successful sret goes
      hart.setCsr(H.HS_MSTATUS, set ? bit : 0n);
      enter(m, 1, sCode);
      hart.setCsr(H.HS_MSTATUS, hart.csr(H.HS_MSTATUS) | (set ? bit : 0n) | (1n << 8n));
      m.run(1);
      expect(hart.csr(H.HS_MCAUSE), `${set}`).toBe(set ? 2n : 0n);
      expect(hart.priv).toBe(set ? 3 : 1);
    }
  });
});

describe('interrupts', () => {
  it('takes a machine timer interrupt from the CLINT through a vectored mtvec', async () => {
    const m = await machine();
    const hart = m.harts[0]!;
    hart.setCsr(H.HS_MTVEC, HANDLER | 1n);
    m.code(HANDLER + 4n * 7n, [A.SPIN]);
    m.code(RAM_BASE, [
      ...A.li(X.s0, 0x200_4000n), // mtimecmp[0]
      A.addi(X.t0, X.zero, 500),
      A.sd(X.s0, X.t0, 0),
      A.addi(X.t0, X.zero, 0x80),
      A.csrrs(X.zero, CSR.mie, X.t0),
      A.csrrsi(X.zero, CSR.mstatus, 8),
      A.SPIN,
    ]);
    m.run(50);
    expect(hart.pc).toBe(RAM_BASE + 24n); // spinning, not yet due
    expect(hart.csr(H.HS_MTIMECMP)).toBe(500n);
    m.time.now = 500n;
    m.run(10);
    expect(hart.pc).toBe(HANDLER + 28n);
    expect(hart.csr(H.HS_MCAUSE)).toBe(IRQ | 7n);
    expect(hart.csr(H.HS_MEPC)).toBe(RAM_BASE + 24n);
    expect(hart.csr(H.HS_MSTATUS) & MSTATUS_MIE).toBe(0n);
    expect(hart.interruptsByCause()[7]).toBe(1n);
  });

  it('orders simultaneous interrupts MEI, MSI, MTI and raises MSIP through the CLINT', async () => {
    const m = await machine();
    const hart = m.harts[0]!;
    hart.setCsr(H.HS_MIE, 0x888n);
    hart.setCsr(H.HS_MSTATUS, MSTATUS_MIE);
    m.code(RAM_BASE, [
      ...A.li(X.s0, 0x200_0000n),
      A.addi(X.t0, X.zero, 1),
      A.sw(X.s0, X.t0, 0),
      A.SPIN,
    ]);
    hart.raiseInterrupt(1 << 11); // MEIP from "the PLIC"
    m.time.now = 10n;
    hart.setCsr(H.HS_MTIMECMP, 0n);
    m.run(1);
    expect(hart.csr(H.HS_MCAUSE)).toBe(IRQ | 11n);

    const m2 = await machine();
    const h2 = m2.harts[0]!;
    h2.setCsr(H.HS_MIE, 0x88n);
    h2.setCsr(H.HS_MSTATUS, MSTATUS_MIE);
    h2.setCsr(H.HS_MTIMECMP, 0n); // MTIP pending too
    m2.code(RAM_BASE, [
      ...A.li(X.s0, 0x200_0000n),
      A.addi(X.t0, X.zero, 1),
      A.sw(X.s0, X.t0, 0),
      A.SPIN,
    ]);
    h2.setCsr(H.HS_MIE, 0x8n); // only MSIE first: the CLINT write must raise MSIP
    m2.run(10);
    expect(h2.csr(H.HS_MCAUSE)).toBe(IRQ | 3n);
    expect(h2.i32(H.HS_PENDING) & 8).toBe(8);
  });

  it("a CLINT msip write from one hart interrupts another hart's CPU instance", async () => {
    const m = await machine({ harts: 2 });
    m.code(RAM_BASE, [
      ...A.li(X.s0, 0x200_0004n),
      A.addi(X.t0, X.zero, 1),
      A.sw(X.s0, X.t0, 0),
      A.SPIN,
    ]);
    const target = m.harts[1]!;
    m.cpus[1]!.hart_reset(1, RAM_BASE + 0x100n, 1n, 0n, 3);
    m.code(RAM_BASE + 0x100n, [A.SPIN]);
    target.setCsr(H.HS_MTVEC, HANDLER);
    target.setCsr(H.HS_MIE, 0x8n);
    target.setCsr(H.HS_MSTATUS, MSTATUS_MIE);
    m.run(10, 1);
    expect(target.pc).toBe(RAM_BASE + 0x100n);
    m.run(10, 0);
    expect(target.i32(H.HS_PENDING) & 8).toBe(8);
    m.run(1, 1);
    expect(target.csr(H.HS_MCAUSE)).toBe(IRQ | 3n);
    expect(target.pc).toBe(HANDLER);
    expect(m.harts[0]!.i32(H.HS_PENDING) & 8).toBe(0);
  });

  it('delegated supervisor timer interrupts come from stimecmp (Sstc) in S-mode', async () => {
    const m = await machine();
    const hart = m.harts[0]!;
    const stvec = RAM_BASE + 0x400n;
    m.code(stvec, [A.SPIN]);
    m.code(RAM_BASE + 0x100n, [A.SPIN]);
    hart.setCsr(H.HS_MIDELEG, 0x222n);
    hart.setCsr(H.HS_MENVCFG, 1n << 63n);
    hart.setCsr(H.HS_STVEC, stvec);
    hart.setCsr(H.HS_STIMECMP, 100n);
    hart.setCsr(H.HS_MIE, 0x20n);
    enter(m, 1, RAM_BASE + 0x100n);
    hart.setCsr(H.HS_MSTATUS, hart.csr(H.HS_MSTATUS) | 2n); // SIE
    m.run(20);
    expect(hart.pc).toBe(RAM_BASE + 0x100n);
    m.time.now = 100n;
    m.run(20);
    expect(hart.pc).toBe(stvec);
    expect(hart.csr(H.HS_SCAUSE)).toBe(IRQ | 5n);
    expect(hart.priv).toBe(1);
  });

  it('WFI with nothing pending calls the wfi hook with the time to the deadline', async () => {
    const m = await machine();
    const hart = m.harts[0]!;
    hart.setCsr(H.HS_MTIMECMP, 1000n);
    hart.setCsr(H.HS_MIE, 0x80n);
    m.time.now = 400n;
    m.code(RAM_BASE, [A.WFI, A.addi(X.a0, X.zero, 7), A.SPIN]);
    m.run(3);
    expect(m.wfiCalls).toEqual([600n]);
    expect(hart.x(X.a0)).toBe(7n);
    expect(hart.counters().wfi).toBe(1n);

    const m2 = await machine();
    m2.code(RAM_BASE + 0x100n, [A.WFI]);
    enter(m2, 0, RAM_BASE + 0x100n);
    m2.run(1);
    expect(m2.harts[0]!.csr(H.HS_MCAUSE)).toBe(2n); // WFI in U-mode is illegal
    expect(m2.wfiCalls).toEqual([]);
  });
});

describe('machine-provided SBI', () => {
  it('an S-mode ecall calls sbi_call, which reads a7/a0 and writes a0/a1; 1 stops run()', async () => {
    const seen: bigint[] = [];
    const m = await createTestMachine({
      providesSbi: true,
      hooks: {
        sbiCall: (h) => {
          const hart = m.harts[h]!;
          seen.push(hart.x(X.a7), hart.x(X.a0));
          hart.setX(X.a0, 0n);
          hart.setX(X.a1, 42n);
          return hart.x(X.a7) === 8n ? 1 : 0;
        },
      },
    });
    m.cpus[0]!.hart_reset(0, RAM_BASE, 0n, 0n, 1);
    m.code(RAM_BASE, [
      A.addi(X.a7, X.zero, 0x10),
      A.addi(X.a0, X.zero, 3),
      A.ECALL,
      A.addi(X.a7, X.zero, 8),
      A.ECALL,
      A.SPIN,
    ]);
    expect(m.run(100)).toBe(E.EXIT_SBI_STOP);
    const hart = m.harts[0]!;
    expect(seen).toEqual([0x10n, 3n, 8n, 0n]);
    expect(hart.x(X.a1)).toBe(42n);
    expect(hart.pc).toBe(RAM_BASE + 20n);
    expect(hart.counters().sbi).toBe(2n);
  });
});
