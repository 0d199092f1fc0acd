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

const V = 1n,
  R = 2n,
  W = 4n,
  XP = 8n,
  U = 16n,
  ACC = 64n,
  DIRTY = 128n;
const ROOT = RAM_BASE + 0x10000n;
const SV39 = 8n << 60n;
const SV48 = 9n << 60n;
const MSTATUS_SUM = 1n << 18n;
const MSTATUS_MXR = 1n << 19n;
const MSTATUS_MPRV = 1n << 17n;

/** Sv39/Sv48 page tables built in guest RAM, next-free-table allocation from ROOT. */
class PageTables {
  private next = ROOT + 0x1000n;
  constructor(
    private readonly m: TestMachine,
    private readonly levels: number,
  ) {}
  private vpn(va: bigint, level: number): bigint {
    return (va >> (12n + 9n * BigInt(level))) & 511n;
  }
  /** Map `va` to `pa` with a leaf at `leafLevel` (0 = 4 KiB, 1 = 2 MiB...). Returns the PTE address. */
  map(va: bigint, pa: bigint, flags: bigint, leafLevel = 0): bigint {
    let table = ROOT;
    for (let level = this.levels - 1; level > leafLevel; level--) {
      const slot = table + 8n * this.vpn(va, level);
      let pte = this.m.readU64(slot);
      if ((pte & V) === 0n) {
        pte = ((this.next >> 12n) << 10n) | V;
        this.m.writeU64(slot, pte);
        this.next += 0x1000n;
      }
      table = (pte >> 10n) << 12n;
    }
    const slot = table + 8n * this.vpn(va, leafLevel);
    this.m.writeU64(slot, ((pa >> 12n) << 10n) | flags | V);
    return slot;
  }
}

const CODE_VA = 0x1000n;
const CODE_PA = RAM_BASE + 0x20000n;
const HANDLER = RAM_BASE + 0x800n;

/** Hart 0 in S-mode at CODE_VA with paging on, traps going to M at HANDLER. */
async function paged(
  code: number[],
  setup: (pt: PageTables, m: TestMachine) => void,
  levels = 3,
): Promise<TestMachine> {
  const m = await createTestMachine();
  const pt = new PageTables(m, levels);
  pt.map(CODE_VA, CODE_PA, R | XP | ACC);
  m.code(CODE_PA, [...code, A.SPIN]);
  m.code(HANDLER, [A.SPIN]);
  setup(pt, m);
  m.cpus[0]!.hart_reset(0, CODE_VA, 0n, 0n, 1);
  const hart = m.harts[0]!;
  hart.setCsr(H.HS_MEDELEG, 0n);
  hart.setCsr(H.HS_MTVEC, HANDLER);
  hart.setCsr(H.HS_SATP, (levels === 3 ? SV39 : SV48) | (ROOT >> 12n));
  m.cpus[0]!.tlb_flush(0);
  return m;
}

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('Sv39/Sv48 translation', () => {
  it('loads and stores through 4 KiB pages and sets A and D with the store', async () => {
    let dataPte = 0n;
    const m = await paged([A.ld(X.a0, X.s0, 8), A.sd(X.s0, X.a0, 16)], (pt, mm) => {
      dataPte = pt.map(0x2000n, RAM_BASE + 0x21000n, R | W);
      mm.writeU64(RAM_BASE + 0x21008n, 0xfeedn);
    });
    m.harts[0]!.setX(X.s0, 0x2000n);
    m.run(3);
    expect(m.harts[0]!.x(X.a0)).toBe(0xfeedn);
    expect(m.readU64(RAM_BASE + 0x21010n)).toBe(0xfeedn);
    expect(m.readU64(dataPte) & (ACC | DIRTY)).toBe(ACC | DIRTY);
  });

  it('raises load, store and fetch page faults with the virtual address in mtval', async () => {
    const load = await paged([A.ld(X.a0, X.s0, 0)], () => {});
    load.harts[0]!.setX(X.s0, 0x5008n);
    load.run(2);
    expect(load.harts[0]!.csr(H.HS_MCAUSE)).toBe(13n);
    expect(load.harts[0]!.csr(H.HS_MTVAL)).toBe(0x5008n);

    const store = await paged([A.sd(X.s0, X.a0, 0)], (pt) =>
      pt.map(0x2000n, RAM_BASE + 0x21000n, R),
    );
    store.harts[0]!.setX(X.s0, 0x2000n);
    store.run(2);
    expect(store.harts[0]!.csr(H.HS_MCAUSE)).toBe(15n);

    const fetch = await paged([A.jalr(X.zero, X.s0, 0)], () => {});
    fetch.harts[0]!.setX(X.s0, 0x7000n);
    fetch.run(2);
    expect(fetch.harts[0]!.csr(H.HS_MCAUSE)).toBe(12n);
    expect(fetch.harts[0]!.csr(H.HS_MTVAL)).toBe(0x7000n);
  });

  it('checks the U bit against SUM and the X bit against MXR', async () => {
    const setup = (pt: PageTables) => {
      pt.map(0x2000n, RAM_BASE + 0x21000n, R | W | U);
      pt.map(0x3000n, RAM_BASE + 0x22000n, XP);
    };
    const noSum = await paged([A.ld(X.a0, X.s0, 0)], setup);
    noSum.harts[0]!.setX(X.s0, 0x2000n);
    noSum.run(2);
    expect(noSum.harts[0]!.csr(H.HS_MCAUSE)).toBe(13n);

    const sum = await paged([A.ld(X.a0, X.s0, 0), A.ld(X.a1, X.s1, 0)], setup);
    const hart = sum.harts[0]!;
    hart.setCsr(H.HS_MSTATUS, hart.csr(H.HS_MSTATUS) | MSTATUS_SUM | MSTATUS_MXR);
    hart.setX(X.s0, 0x2000n);
    hart.setX(X.s1, 0x3000n);
    sum.run(3);
    expect(hart.csr(H.HS_MCAUSE)).toBe(0n);
    expect(hart.pc).toBe(CODE_VA + 8n);
  });

  it('maps 2 MiB superpages and rejects misaligned ones', async () => {
    const good = await paged([A.ld(X.a0, X.s0, 0)], (pt, mm) => {
      pt.map(0x4000_0000n, RAM_BASE + 0x20_0000n, R, 1);
      mm.writeU64(RAM_BASE + 0x21_2340n, 77n);
    });
    good.harts[0]!.setX(X.s0, 0x4001_2340n);
    good.run(2);
    expect(good.harts[0]!.x(X.a0)).toBe(77n);

    const bad = await paged([A.ld(X.a0, X.s0, 0)], (pt) => {
      pt.map(0x4000_0000n, RAM_BASE + 0x20_1000n, R, 1); // ppn[0] != 0
    });
    bad.harts[0]!.setX(X.s0, 0x4000_0000n);
    bad.run(2);
    expect(bad.harts[0]!.csr(H.HS_MCAUSE)).toBe(13n);
  });

  it('rejects non-canonical addresses and walks Sv48 tables', async () => {
    const m = await paged([A.ld(X.a0, X.s0, 0)], () => {});
    m.harts[0]!.setX(X.s0, 0x0000_0040_0000_0000n); // bit 38 set, 63..39 clear
    m.run(2);
    expect(m.harts[0]!.csr(H.HS_MCAUSE)).toBe(13n);

    const sv48 = await paged(
      [A.ld(X.a0, X.s0, 0)],
      (pt, mm) => {
        pt.map(0x7f_0000_2000n, RAM_BASE + 0x23000n, R);
        mm.writeU64(RAM_BASE + 0x23000n, 48n);
      },
      4,
    );
    sv48.harts[0]!.setX(X.s0, 0x7f_0000_2000n);
    sv48.run(2);
    expect(sv48.harts[0]!.x(X.a0)).toBe(48n);
  });

  it('keeps using a cached translation until sfence.vma', async () => {
    let pte = 0n;
    const m = await paged(
      [
        A.ld(X.a0, X.s0, 0),
        A.sd(X.s1, X.t0, 0),
        A.ld(X.a1, X.s0, 0),
        A.sfenceVma(0, 0),
        A.ld(X.a2, X.s0, 0),
      ],
      (pt, mm) => {
        pte = pt.map(0x2000n, RAM_BASE + 0x21000n, R | ACC);
        pt.map(0x3000n, pte - (pte & 0xfffn), R | W | ACC | DIRTY); // the page table page itself
        mm.writeU64(RAM_BASE + 0x21000n, 1n);
        mm.writeU64(RAM_BASE + 0x22000n, 2n);
      },
    );
    const hart = m.harts[0]!;
    hart.setX(X.s0, 0x2000n);
    hart.setX(X.s1, 0x3000n + (pte & 0xfffn));
    hart.setX(X.t0, (((RAM_BASE + 0x22000n) >> 12n) << 10n) | R | ACC | V); // remap to 0x22000
    m.run(6);
    expect([hart.x(X.a0), hart.x(X.a1), hart.x(X.a2)]).toEqual([1n, 1n, 2n]);
  });

  it('sfence.vma with an address drops that page only', async () => {
    let pteA = 0n;
    let pteB = 0n;
    const m = await paged(
      [
        A.ld(X.a0, X.s0, 0), // both pages cached
        A.ld(X.a1, X.s1, 0),
        A.sd(X.s2, X.t0, 0), // both remapped
        A.sd(X.s3, X.t1, 0),
        A.sfenceVma(X.s0, 0), // for the first only
        A.ld(X.a2, X.s0, 0),
        A.ld(X.a3, X.s1, 0),
      ],
      (pt, mm) => {
        pteA = pt.map(0x2000n, RAM_BASE + 0x21000n, R | ACC);
        pteB = pt.map(0x5000n, RAM_BASE + 0x23000n, R | ACC);
        pt.map(0x3000n, pteA - (pteA & 0xfffn), R | W | ACC | DIRTY); // their page table page
        const data: [bigint, bigint][] = [
          [0x21010n, 1n],
          [0x22010n, 2n],
          [0x23000n, 3n],
          [0x24000n, 4n],
        ];
        for (const [pa, v] of data) mm.writeU64(RAM_BASE + pa, v);
      },
    );
    const hart = m.harts[0]!;
    const leaf = (pa: bigint) => ((pa >> 12n) << 10n) | R | ACC | V;
    hart.setX(X.s0, 0x2000n + 0x10n); // any address in the page
    hart.setX(X.s1, 0x5000n);
    hart.setX(X.s2, 0x3000n + (pteA & 0xfffn));
    hart.setX(X.s3, 0x3000n + (pteB & 0xfffn));
    hart.setX(X.t0, leaf(RAM_BASE + 0x22000n));
    hart.setX(X.t1, leaf(RAM_BASE + 0x24000n));
    m.run(8);
    // The fenced page sees its new mapping; the other keeps its cached one (no refill).
    expect([hart.x(X.a0), hart.x(X.a1), hart.x(X.a2), hart.x(X.a3)]).toEqual([1n, 3n, 2n, 3n]);
  });

  it('sfence.vma with an address in a superpage drops all of that superpage', async () => {
    // Two 4 KiB pieces of one 2 MiB page are cached in different TLB entries; a fence naming
    // one after the leaf changed must drop both.
    let pte = 0n;
    const m = await paged(
      [
        A.ld(X.a0, X.s0, 0),
        A.ld(X.a1, X.s1, 0),
        A.sd(X.s2, X.t0, 0),
        A.sfenceVma(X.s0, 0),
        A.ld(X.a2, X.s1, 0),
      ],
      (pt, mm) => {
        pte = pt.map(0x4000_0000n, RAM_BASE + 0x20_0000n, R | ACC, 1);
        pt.map(0x3000n, pte - (pte & 0xfffn), R | W | ACC | DIRTY); // the leaf's table page
        mm.writeU64(RAM_BASE + 0x20_0000n, 1n);
        mm.writeU64(RAM_BASE + 0x30_5000n, 2n);
        mm.writeU64(RAM_BASE + 0x10_5000n, 3n);
      },
    );
    const hart = m.harts[0]!;
    hart.setX(X.s0, 0x4000_0000n);
    hart.setX(X.s1, 0x4010_5000n);
    hart.setX(X.s2, 0x3000n + (pte & 0xfffn));
    hart.setX(X.t0, ((RAM_BASE >> 12n) << 10n) | R | ACC | V); // now RAM's first 2 MiB
    m.run(6);
    expect([hart.x(X.a0), hart.x(X.a1), hart.x(X.a2)]).toEqual([1n, 2n, 3n]);
  });

  it('MPRV makes M-mode loads use the MPP translation', async () => {
    const m = await createTestMachine();
    const pt = new PageTables(m, 3);
    pt.map(0x2000n, RAM_BASE + 0x21000n, R | ACC);
    m.writeU64(RAM_BASE + 0x21000n, 99n);
    const hart = m.harts[0]!;
    hart.setCsr(H.HS_SATP, SV39 | (ROOT >> 12n));
    hart.setCsr(H.HS_MSTATUS, MSTATUS_MPRV | (1n << 11n)); // MPP = S
    m.cpus[0]!.tlb_flush(0);
    hart.setX(X.s0, 0x2000n);
    m.code(RAM_BASE, [A.ld(X.a0, X.s0, 0), A.SPIN]);
    m.run(2);
    expect(hart.priv).toBe(3);
    expect(hart.x(X.a0)).toBe(99n);
    expect(m.cpus[0]!.translate_address(0, 0x2008n, 1)).toBe(RAM_BASE + 0x21008n);
    expect(m.cpus[0]!.translate_address(0, 0x9000n, 1)).toBe(-1n);
  });
});
