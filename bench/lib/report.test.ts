import { describe, it, expect } from 'vitest';
import { advantage, fmt, summarize } from './stats';
import { renderChart } from './chart';
import { renderReport } from './report';
import type { BenchRun } from './schema';

describe('bench statistics', () => {
  it('summarizes min, median and max, ignoring non-finite values', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, min: 1, median: 3, max: 5 });
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, min: 1, median: 2.5, max: 4 });
    expect(summarize([2, NaN, Infinity]).n).toBe(1);
    expect(summarize([]).n).toBe(0);
  });

  it('reports the advantage so that > 1 always means Kindling is ahead', () => {
    expect(advantage([200, 200, 200], [100, 100, 100], true)).toBe(2); // throughput: twice the peer
    expect(advantage([2, 2, 2], [1, 1, 1], false)).toBe(0.5); // time: twice as slow
    expect(advantage([1], undefined, true)).toBeUndefined();
    expect(advantage([0], [1], true)).toBeUndefined();
  });

  it('formats with three significant digits', () => {
    expect(fmt(123456)).toBe('123000');
    expect(fmt(0.012345)).toBe('0.0123');
    expect(fmt(NaN)).toBe('—');
  });
});

const run: BenchRun = {
  startedAt: '2026-11-23T00:00:00.000Z',
  durationS: 12,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGiB: 24,
    os: 'Linux',
    node: 'v20',
    chromium: null,
    qemuRiscv64: 'QEMU 7.2',
    qemuX86_64: null,
    kvm: 'absent',
  },
  benchmarks: [
    {
      benchmark: 'cpu',
      durationS: 10,
      results: [
        {
          name: 'crc32',
          metric: 'MIPS',
          unit: 'MIPS',
          higherIsBetter: true,
          ours: [90, 100, 110, 95, 105],
          peer: { name: 'qemu TCG', values: [200, 210, 190, 205, 195] },
        },
      ],
      skipped: [{ name: 'matmul', reason: 'no FPU' }],
    },
    {
      benchmark: 'boot',
      durationS: 0,
      results: [],
      skippedWhole: 'bench/boot/run.ts is not written yet',
    },
  ],
};

describe('bench report', () => {
  it('draws one bar per side at the median with min–max whiskers', () => {
    const svg = renderChart(run.benchmarks[0]!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('<title>qemu TCG</title>');
    expect(svg).toContain('>100<'); // our median
    expect(svg).toContain('>200<'); // peer median
  });

  it('names the peer, the ratio, the skips and the machine', () => {
    const md = renderReport(run, (id) => `${id}.svg`);
    expect(md).toContain(
      '| crc32 | MIPS ↑ | 90 / **100** / 110 (n=5) | qemu TCG | 190 / **200** / 210 (n=5) | 0.5× |',
    );
    expect(md).toContain('- skipped matmul: no FPU');
    expect(md).toContain('Skipped: bench/boot/run.ts is not written yet');
    expect(md).toContain('| CPU | Test CPU |');
    expect(md).toContain('![cpu](cpu.svg)');
  });
});
