import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CLINT,
  PLIC,
  RAM_BASE,
  TEST_FINISHER,
  TIMEBASE_HZ,
  UART,
  VIRTIO_MMIO_BASE,
  VIRTIO_MMIO_STRIDE,
  busRegions,
  virtioMmioSlot,
} from './memory-map';

describe('riscv64 memory map', () => {
  it('has no overlapping regions, all below RAM', () => {
    const regions = [...busRegions(), { name: 'clint', ...CLINT }].sort((a, b) => a.base - b.base);
    for (let i = 1; i < regions.length; i++) {
      const prev = regions[i - 1]!;
      expect(
        prev.base + prev.size,
        `${prev.name} overlaps ${regions[i]!.name}`,
      ).toBeLessThanOrEqual(regions[i]!.base);
    }
    const last = regions.at(-1)!;
    expect(last.base + last.size).toBeLessThanOrEqual(RAM_BASE);
  });

  it('numbers virtio-mmio slots like QEMU virt', () => {
    expect(virtioMmioSlot(0)).toEqual({ base: 0x1000_1000, size: 0x1000, irq: 1 });
    expect(virtioMmioSlot(7)).toEqual({ base: 0x1000_8000, size: 0x1000, irq: 8 });
    expect(() => virtioMmioSlot(8)).toThrow(RangeError);
  });
});

/**
 * The CPU engineer's cpu/layout/memory-map.ts restates part of this map as integer literals
 * (AssemblyScript cannot import this file). Read it as text so a drift between the two fails here.
 */
const cpuMapPath = fileURLToPath(new URL('../../../cpu/layout/memory-map.ts', import.meta.url));
const haveCpuMap = existsSync(cpuMapPath);
if (!haveCpuMap) console.log(`${cpuMapPath} not found: skipping the CPU memory-map cross-check`);

describe.skipIf(!haveCpuMap)('agreement with the CPU layout', () => {
  it('uses the same addresses as cpu/layout/memory-map.ts', () => {
    const constants = new Map<string, number>();
    for (const m of readFileSync(cpuMapPath, 'utf8').matchAll(/export const (\w+) = (\d+);/g))
      constants.set(m[1]!, Number(m[2]));
    const expected: Record<string, number> = {
      TEST_FINISHER_BASE: TEST_FINISHER.base,
      TEST_FINISHER_SIZE: TEST_FINISHER.size,
      CLINT_BASE: CLINT.base,
      CLINT_SIZE: CLINT.size,
      PLIC_BASE: PLIC.base,
      PLIC_SIZE: PLIC.size,
      UART_BASE: UART.base,
      UART_SIZE: UART.size,
      VIRTIO_MMIO_BASE,
      VIRTIO_MMIO_STRIDE,
      TIMEBASE_HZ,
    };
    for (const [name, value] of Object.entries(expected))
      expect(constants.get(name), name).toBe(value);
  });
});
