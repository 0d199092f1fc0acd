import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { planRiscvBoot, PRIVILEGE_SUPERVISOR, RiscvBootError } from './boot';
import { computeBootLayout, DTB_SLOT_SIZE } from './boot-layout';
import { parseImageHeader } from './image-header';
import { findNode, parseFdt, propStrings, propU64s } from '../../fdt/fdt-reader';
import { syntheticImage } from './test-support/synthetic-image';
import { haveGuestImages, loadInitrd, loadKernelImage } from '../../../test-support/guest-images';

const MiB = 1024 * 1024;
const machine = { harts: 2, ramSize: 128 * MiB, bootargs: 'console=ttyS0', virtioSlots: [0] };

describe('computeBootLayout', () => {
  const kernel = parseImageHeader(syntheticImage({ imageSize: BigInt(4 * MiB) }));

  it('puts the kernel at RAM + text_offset, the DTB in the top 2 MiB, the initrd below it', () => {
    const layout = computeBootLayout({ ramSize: 128 * MiB, kernel, initrdSize: 3 * MiB + 5 });
    expect(layout.kernel).toEqual({ start: 0x8020_0000, end: 0x8060_0000 });
    expect(layout.dtb).toEqual({ start: 0x87e0_0000, end: 0x8800_0000 });
    expect(layout.initrd!.start % (2 * MiB)).toBe(0);
    expect(layout.initrd!.end).toBeLessThanOrEqual(layout.dtb.start);
    expect(layout.initrd!.end - layout.initrd!.start).toBe(3 * MiB + 5);
    expect(layout.initrd!.start).toBe(0x87e0_0000 - 4 * MiB);
  });

  it('honours a lower limit for initrd and DTB', () => {
    const layout = computeBootLayout({ ramSize: 1024 * MiB, kernel, limit: 0x9000_0000 });
    expect(layout.dtb.end).toBe(0x9000_0000);
    expect(layout.initrd).toBeUndefined();
  });

  it('reports clearly when things do not fit', () => {
    expect(() => computeBootLayout({ ramSize: 16 * MiB, kernel, initrdSize: 12 * MiB })).toThrow(
      /do not fit in 16\.0 MiB of RAM/,
    );
    expect(() => computeBootLayout({ ramSize: 8 * MiB, kernel })).toThrow(/RAM size/);
    expect(() => computeBootLayout({ ramSize: 17 * MiB, kernel })).toThrow(/multiple of 2 MiB/);
    const huge = parseImageHeader(syntheticImage({ imageSize: BigInt(15 * MiB) }));
    expect(() => computeBootLayout({ ramSize: 16 * MiB, kernel: huge })).toThrow(/do not fit/);
  });
});

describe('planRiscvBoot', () => {
  it('produces the writes, the DTB naming the initrd, and an S-mode entry with a0/a1', () => {
    const kernel = syntheticImage({ fileSize: 8192, imageSize: 0x10_0000n });
    const initrd = new Uint8Array(1000).fill(7);
    const plan = planRiscvBoot({ kernel, initrd, machine: { ...machine, bootTimer: true } });
    expect(plan.writes.map((w) => [w.address, w.bytes.length])).toEqual([
      [0x8020_0000, 8192],
      [plan.layout.initrd!.start, 1000],
      [plan.layout.dtb.start, plan.dtb.length],
    ]);
    expect(plan.zero).toEqual([{ start: 0x8020_0000 + 8192, end: 0x8030_0000 }]);
    expect(plan.entry).toEqual({
      hart: 0,
      pc: 0x8020_0000,
      a0: 0,
      a1: plan.layout.dtb.start,
      privilege: PRIVILEGE_SUPERVISOR,
      satp: 0,
    });
    const chosen = findNode(parseFdt(plan.dtb).root, '/chosen')!;
    expect(propU64s(chosen.properties.get('linux,initrd-start')!)).toEqual([
      BigInt(plan.layout.initrd!.start),
    ]);
    expect(propU64s(chosen.properties.get('linux,initrd-end')!)).toEqual([
      BigInt(plan.layout.initrd!.end),
    ]);
    expect(plan.bootargs).toBe('console=ttyS0 kindling.boot_timer=0x101000');
    expect(propStrings(chosen.properties.get('bootargs')!)).toEqual([plan.bootargs]);
  });

  it('turns every boot problem into one RiscvBootError with a readable message', () => {
    const gz = Uint8Array.from([0x1f, 0x8b, ...new Array(100).fill(0)]);
    expect(() => planRiscvBoot({ kernel: gz, machine })).toThrow(RiscvBootError);
    expect(() => planRiscvBoot({ kernel: gz, machine })).toThrow(/gzip/);
    const kernel = syntheticImage();
    expect(() => planRiscvBoot({ kernel, initrd: new Uint8Array(200 * MiB), machine })).toThrow(
      /do not fit/,
    );
    expect(() => planRiscvBoot({ kernel, machine: { ...machine, harts: 12 } })).toThrow(
      RiscvBootError,
    );
    expect(() => planRiscvBoot({ kernel, machine: { ...machine, bootargs: 'a\0b' } })).toThrow(
      RiscvBootError,
    );
  });

  it('either refuses with RiscvBootError or yields disjoint ranges inside RAM', () => {
    const initrdBacking = new Uint8Array(48 * MiB); // views of it: no allocation per run
    const seen = { refused: 0, placed: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }).map((n) => n * 2 * MiB),
        fc.integer({ min: 0, max: 48 * MiB }),
        fc.option(fc.integer({ min: 0, max: 48 * MiB }), { nil: undefined }),
        fc.constantFrom(0n, 0x20_0000n, 0x40_0000n),
        (ramSize, imageSize, initrdSize, textOffset) => {
          const kernel = syntheticImage({ textOffset, imageSize: BigInt(imageSize) + 1n });
          const initrd =
            initrdSize === undefined ? undefined : initrdBacking.subarray(0, initrdSize);
          let plan;
          try {
            plan = planRiscvBoot({
              kernel,
              ...(initrd ? { initrd } : {}),
              machine: { ...machine, ramSize },
            });
          } catch (e) {
            expect(e).toBeInstanceOf(RiscvBootError);
            seen.refused++;
            return;
          }
          seen.placed++;
          const { ram, kernel: k, initrd: i, dtb } = plan.layout;
          const ranges = [k, ...(i ? [i] : []), dtb];
          for (const r of ranges) {
            expect(r.start).toBeGreaterThanOrEqual(ram.start);
            expect(r.end).toBeLessThanOrEqual(ram.end);
          }
          expect(k.end).toBeLessThanOrEqual(i?.start ?? dtb.start);
          if (i) expect(i.end).toBeLessThanOrEqual(dtb.start);
          for (const w of plan.writes)
            expect(w.address + w.bytes.length).toBeLessThanOrEqual(ram.end);
        },
      ),
      { numRuns: 200 },
    );
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.placed).toBeGreaterThan(0);
  });

  it.skipIf(!haveGuestImages)('places the real kernel and initramfs from public/images', () => {
    const kernel = loadKernelImage();
    const initrd = loadInitrd();
    const plan = planRiscvBoot({ kernel, initrd, machine });
    const view = new DataView(kernel.buffer, kernel.byteOffset);
    expect(plan.header.textOffset).toBe(0x20_0000);
    expect(plan.header.imageSize).toBe(Number(view.getBigUint64(0x10, true)));
    expect(plan.header.imageSize).toBeGreaterThanOrEqual(kernel.length);
    expect(plan.entry.pc).toBe(0x8020_0000);
    const { kernel: k, initrd: i, dtb } = plan.layout;
    expect(k.end).toBeLessThanOrEqual(i!.start);
    expect(i!.end).toBeLessThanOrEqual(dtb.start);
    expect(dtb.end).toBe(0x8000_0000 + machine.ramSize);
    expect(plan.dtb.length).toBeLessThan(DTB_SLOT_SIZE);
    expect(plan.zero[0]!.end).toBe(k.end);
  });
});
