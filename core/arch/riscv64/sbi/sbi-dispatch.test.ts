import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { handleSbiCall } from './sbi-dispatch';
import {
  HsmState,
  SBI_CONTINUE,
  SBI_IMPL_ID,
  SBI_LEAVE_RUN,
  SbiError,
  SbiExtension as E,
} from './sbi-constants';
import { FAKE_RAM_BASE, FakeHart, FakePlatform } from './test-support/fake-sbi';

const ALL_ONES = (1n << 64n) - 1n;

function call(
  platform: FakePlatform,
  eid: bigint | number,
  fid: bigint | number,
  ...args: (bigint | number)[]
): { hart: FakeHart; exit: number } {
  const hart = new FakeHart(0).set(eid, fid, ...args);
  return { hart, exit: handleSbiCall(hart, platform) };
}

describe('SBI base extension', () => {
  it('reports spec v2.0, our implementation id and version, and zero machine ids', () => {
    const p = new FakePlatform();
    expect(call(p, E.BASE, 0).hart.value).toBe(0x0200_0000n);
    expect(call(p, E.BASE, 1).hart.value).toBe(BigInt(SBI_IMPL_ID));
    expect(call(p, E.BASE, 2).hart.value).toBe(1n);
    for (const fid of [4, 5, 6]) {
      const { hart } = call(p, E.BASE, fid);
      expect([hart.error, hart.value]).toEqual([0, 0n]);
    }
    expect(call(p, E.BASE, 7).hart.error).toBe(SbiError.NOT_SUPPORTED);
  });

  it('probes exactly the extensions it implements', () => {
    const p = new FakePlatform();
    for (const eid of [E.TIME, E.IPI, E.RFENCE, E.HSM, E.SRST, E.DBCN, E.BASE, 0x00, 0x04, 0x08])
      expect(call(p, E.BASE, 3, eid).hart.value).toBe(1n);
    for (const eid of [0x504d55 /* PMU */, 0x09, 0x4e41434c /* NACL */, ALL_ONES])
      expect(call(p, E.BASE, 3, eid).hart.value).toBe(0n);
  });

  it('answers NOT_SUPPORTED for unknown EIDs and ids that are not sign-extended 32-bit', () => {
    const p = new FakePlatform();
    const unknown = call(p, 0x0a00_0000, 0);
    expect([unknown.hart.error, unknown.exit]).toEqual([SbiError.NOT_SUPPORTED, SBI_CONTINUE]);
    expect(call(p, (1n << 32n) | BigInt(E.BASE), 0).hart.error).toBe(SbiError.NOT_SUPPORTED);
    expect(call(p, E.BASE, 1n << 40n).hart.error).toBe(SbiError.NOT_SUPPORTED);
    // a7 holding a sign-extended negative EID is decoded, and unknown.
    expect(call(p, ALL_ONES, 0).hart.error).toBe(SbiError.NOT_SUPPORTED);
  });
});

describe('SBI TIME and IPI', () => {
  it('set_timer programs the calling hart', () => {
    const p = new FakePlatform();
    const hart = new FakeHart(2).set(E.TIME, 0, 123_456_789n);
    expect(handleSbiCall(hart, p)).toBe(SBI_CONTINUE);
    expect(p.events).toEqual(['timer 2 123456789']);
    expect(hart.error).toBe(0);
    expect(call(p, E.TIME, 1).hart.error).toBe(SbiError.NOT_SUPPORTED);
  });

  it('send_ipi honours hart_mask and hart_mask_base, with -1 meaning all harts', () => {
    const p = new FakePlatform(4);
    call(p, E.IPI, 0, 0b101, 0);
    expect(p.events).toEqual(['ipi 0', 'ipi 2']);
    p.events.length = 0;
    call(p, E.IPI, 0, 0b11, 2);
    expect(p.events).toEqual(['ipi 2', 'ipi 3']);
    p.events.length = 0;
    call(p, E.IPI, 0, 0, ALL_ONES);
    expect(p.events).toEqual(['ipi 0', 'ipi 1', 'ipi 2', 'ipi 3']);
  });

  it('send_ipi rejects masks naming harts that do not exist, sending nothing', () => {
    const p = new FakePlatform(4);
    expect(call(p, E.IPI, 0, 0b11, 3).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.IPI, 0, 1n << 63n, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.IPI, 0, 1, 4).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(p.events).toEqual([]);
  });
});

describe('SBI RFENCE', () => {
  it('passes kind, targets, range and asid; 0/0 and size -1 mean the whole space', () => {
    const p = new FakePlatform(2);
    call(p, E.RFENCE, 0, 0b11, 0);
    call(p, E.RFENCE, 1, 0b10, 0, 0x1000, 0x2000);
    call(p, E.RFENCE, 2, 0, ALL_ONES, 0, 0, 7);
    call(p, E.RFENCE, 1, 1, 0, 0x5000, ALL_ONES);
    expect(p.fences).toEqual([
      { harts: [0, 1], kind: 'fence.i', range: undefined, asid: undefined },
      { harts: [1], kind: 'sfence.vma', range: { start: 0x1000n, size: 0x2000n }, asid: undefined },
      { harts: [0, 1], kind: 'sfence.vma.asid', range: undefined, asid: 7n },
      { harts: [0], kind: 'sfence.vma', range: undefined, asid: undefined },
    ]);
  });

  it('rejects hypervisor fences, bad masks and wrapping ranges', () => {
    const p = new FakePlatform(2);
    for (const fid of [3, 4, 5, 6]) expect(call(p, E.RFENCE, fid, 1, 0).hart.error).toBe(-2);
    expect(call(p, E.RFENCE, 1, 0b100, 0, 0, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.RFENCE, 1, 1, 0, ALL_ONES - 5n, 0x100).hart.error).toBe(
      SbiError.INVALID_ADDRESS,
    );
    expect(p.fences).toEqual([]);
  });
});

describe('SBI HSM', () => {
  it('starts a stopped hart once, then reports it already available', () => {
    const p = new FakePlatform(2);
    const first = call(p, E.HSM, 0, 1, FAKE_RAM_BASE + 0x100n, 42);
    expect(first.hart.error).toBe(0);
    expect(p.events).toEqual(['start 1 0x80000100 42']);
    expect(call(p, E.HSM, 2, 1).hart.value).toBe(BigInt(HsmState.START_PENDING));
    expect(call(p, E.HSM, 0, 1, FAKE_RAM_BASE, 0).hart.error).toBe(SbiError.ALREADY_AVAILABLE);
    expect(call(p, E.HSM, 0, 0, FAKE_RAM_BASE, 0).hart.error).toBe(SbiError.ALREADY_AVAILABLE);
  });

  it('validates hart ids and start addresses', () => {
    const p = new FakePlatform(2);
    expect(call(p, E.HSM, 0, 2, FAKE_RAM_BASE, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.HSM, 0, ALL_ONES, FAKE_RAM_BASE, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.HSM, 0, 1, 0x1000_0000, 0).hart.error).toBe(SbiError.INVALID_ADDRESS);
    expect(call(p, E.HSM, 2, 5).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.HSM, 2, 0).hart.value).toBe(BigInt(HsmState.STARTED));
    expect(call(p, E.HSM, 9).hart.error).toBe(SbiError.NOT_SUPPORTED);
    expect(p.events).toEqual([]);
  });

  it('hart_stop stops the caller and leaves run() without touching registers', () => {
    const p = new FakePlatform(2);
    const hart = new FakeHart(0).set(E.HSM, 1);
    expect(handleSbiCall(hart, p)).toBe(SBI_LEAVE_RUN);
    expect([hart.a0Writes, hart.a1Writes]).toEqual([0, 0]);
    expect(p.hsm.status(0)).toBe(HsmState.STOPPED);
    expect(p.events).toEqual(['stop 0']);
  });

  it('hart_suspend: default retentive waits like WFI, other types are refused', () => {
    const p = new FakePlatform(2);
    const retentive = call(p, E.HSM, 3, 0, 0, 0);
    expect([retentive.hart.error, retentive.exit]).toEqual([0, SBI_CONTINUE]);
    expect(p.events).toEqual(['wfi 0']);
    expect(call(p, E.HSM, 3, 0x8000_0000, FAKE_RAM_BASE, 0).hart.error).toBe(
      SbiError.NOT_SUPPORTED,
    );
    for (const type of [1, 0x1000_0000, 0x9000_0000])
      expect(call(p, E.HSM, 3, type).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(p.events).toEqual(['wfi 0']);
  });
});

describe('SBI SRST', () => {
  it('shuts down or reboots and leaves run()', () => {
    for (const [type, name] of [
      [0, 'shutdown'],
      [1, 'cold-reboot'],
      [2, 'warm-reboot'],
    ] as const) {
      const p = new FakePlatform();
      const { hart, exit } = call(p, E.SRST, 0, type, 1);
      expect(exit).toBe(SBI_LEAVE_RUN);
      expect(hart.a0Writes).toBe(0);
      expect(p.events).toEqual([`reset ${name} 1`]);
    }
  });

  it('refuses reserved and vendor types and reasons', () => {
    const p = new FakePlatform();
    for (const [type, reason] of [
      [3, 0],
      [0xf000_0000, 0],
      [0, 2],
      [0, 0xe000_0000],
    ])
      expect(call(p, E.SRST, 0, type!, reason!).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(p.events).toEqual([]);
  });
});

describe('SBI DBCN', () => {
  it('writes bytes from guest physical memory, at most 4096 per call', () => {
    const p = new FakePlatform();
    p.ram.set([104, 105, 33], 0x200);
    const { hart } = call(p, E.DBCN, 0, 3, FAKE_RAM_BASE + 0x200n, 0);
    expect([hart.error, hart.value]).toEqual([0, 3n]);
    expect(p.output).toEqual([104, 105, 33]);
    const big = call(p, E.DBCN, 0, 10_000, FAKE_RAM_BASE, 0);
    expect(big.hart.value).toBe(4096n);
  });

  it('reads what the console has into guest memory', () => {
    const p = new FakePlatform();
    p.input.push(1, 2);
    const { hart } = call(p, E.DBCN, 1, 8, FAKE_RAM_BASE + 0x10n, 0);
    expect([hart.error, hart.value]).toEqual([0, 2n]);
    expect(Array.from(p.ram.subarray(0x10, 0x13))).toEqual([1, 2, 0]);
    expect(call(p, E.DBCN, 1, 8, FAKE_RAM_BASE, 0).hart.value).toBe(0n);
  });

  it('rejects buffers outside RAM or above 2^64 and writes single bytes', () => {
    const p = new FakePlatform();
    expect(call(p, E.DBCN, 0, 4, 0x1000, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.DBCN, 0, 0x2_0000, FAKE_RAM_BASE, 0).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.DBCN, 1, 4, FAKE_RAM_BASE, 1).hart.error).toBe(SbiError.INVALID_PARAM);
    expect(call(p, E.DBCN, 2, 0x141).hart.error).toBe(0);
    expect(p.output).toEqual([0x41]);
    expect(call(p, E.DBCN, 3).hart.error).toBe(SbiError.NOT_SUPPORTED);
  });
});

describe('SBI legacy extensions', () => {
  it('only touch a0 and ignore a6', () => {
    const p = new FakePlatform();
    const { hart } = call(p, 0x01, 0x55, 0x41);
    expect(p.output).toEqual([0x41]);
    expect([hart.a0Writes, hart.a1Writes, hart.regs[0]]).toEqual([1, 0, 0n]);
    expect(hart.regs[1]).toBe(0xdead_a1n); // a1 preserved
  });

  it('console_getchar returns a byte or -1', () => {
    const p = new FakePlatform();
    p.input.push(0x7a);
    expect(call(p, 0x02, 0).hart.error).toBe(0x7a);
    expect(call(p, 0x02, 0).hart.error).toBe(-1);
  });

  it('set_timer, clear_ipi and shutdown', () => {
    const p = new FakePlatform();
    call(p, 0x00, 0, 99);
    expect(p.events).toEqual(['timer 0 99']);
    p.ssip[0] = true;
    expect(call(p, 0x03, 0).hart.error).toBe(1);
    expect(call(p, 0x03, 0).hart.error).toBe(0);
    const shutdown = call(p, 0x08, 0);
    expect(shutdown.exit).toBe(SBI_LEAVE_RUN);
    expect(p.events.at(-1)).toBe('reset shutdown 0');
  });

  it('send_ipi and fences read the hart mask through a guest pointer (null = all harts)', () => {
    const p = new FakePlatform(4);
    new DataView(p.ram.buffer).setBigUint64(0x40, 0b1010n | (1n << 40n), true);
    call(p, 0x04, 0, FAKE_RAM_BASE + 0x40n);
    expect(p.events).toEqual(['ipi 1', 'ipi 3']);
    call(p, 0x06, 0, FAKE_RAM_BASE + 0x40n, 0x1000, 0x1000);
    call(p, 0x07, 0, 0, 0, 0, 5);
    call(p, 0x05, 0, 0);
    expect(p.fences).toEqual([
      {
        harts: [1, 3],
        kind: 'sfence.vma',
        range: { start: 0x1000n, size: 0x1000n },
        asid: undefined,
      },
      { harts: [0, 1, 2, 3], kind: 'sfence.vma.asid', range: undefined, asid: 5n },
      { harts: [0, 1, 2, 3], kind: 'fence.i', range: undefined, asid: undefined },
    ]);
    expect(call(p, 0x04, 0, 0x1234).hart.error).toBe(SbiError.INVALID_ADDRESS);
  });
});

describe('SBI dispatcher robustness', () => {
  it('never throws and always returns 0 or 1, whatever the registers hold', () => {
    const interesting = fc.oneof(
      fc.constantFrom(...Object.values(E).map(BigInt), 0x10n, ALL_ONES, 0n),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
    );
    fc.assert(
      fc.property(fc.array(interesting, { minLength: 8, maxLength: 8 }), fc.nat(7), (regs, fid) => {
        const p = new FakePlatform(3);
        const hart = new FakeHart(1);
        regs.forEach((v, i) => (hart.regs[i] = v));
        hart.regs[6] = BigInt(fid);
        const exit = handleSbiCall(hart, p);
        expect([SBI_CONTINUE, SBI_LEAVE_RUN]).toContain(exit);
        for (const r of hart.regs.slice(0, 2))
          expect(r >= -(1n << 63n) && r < 1n << 64n).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
