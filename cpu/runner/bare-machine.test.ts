import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBareMetal, EXIT_CODE } from './bare-machine';
import { buildWasm } from '../build-wasm';
import { CPU_BUILD_TIMEOUT_MS } from '../test-support/machine.node';
import { ElfError } from '../elf';
import { buildElf, words } from '../test-support/elf-builder';
import * as A from '../test-support/asm';
import { X } from '../test-support/asm';

const programs = join(import.meta.dirname, '..', 'test-programs');
const program = (name: string) => readFileSync(join(programs, name));

beforeAll(() => void buildWasm(), CPU_BUILD_TIMEOUT_MS);

describe('bare-metal runner', () => {
  it('passes hello.elf and forwards its UART output', async () => {
    let out = '';
    const result = await runBareMetal(program('hello.elf'), { onOutput: (t) => (out += t) });
    expect(result).toMatchObject({ outcome: 'pass', exitCode: 0 });
    expect(out).toBe('hello from rv64\n');
    expect(result.instructions).toBeGreaterThan(100n);
  });

  it('returns the finisher code for a failing program', async () => {
    const result = await runBareMetal(program('fail.elf'));
    expect(result).toMatchObject({ outcome: 'fail', exitCode: 7 });
    expect(result.message).toMatch(/FAIL with code 7/);
  });

  it('stops at the instruction limit with a non-zero code', async () => {
    const result = await runBareMetal(program('spin.elf'), { maxInsns: 5000 });
    expect(result).toMatchObject({ outcome: 'limit', exitCode: EXIT_CODE.limit });
    expect(result.instructions).toBe(5000n);
  });

  it('detects a trap loop', async () => {
    const result = await runBareMetal(program('trap-loop.elf'), { maxInsns: 1_000_000 });
    expect(result).toMatchObject({ outcome: 'trap-loop', exitCode: EXIT_CODE.trapLoop });
    expect(result.message).toMatch(/cause 1 .*0x40000000/);
  });

  it('rejects a non-ELF file with an ElfError', async () => {
    await expect(runBareMetal(new TextEncoder().encode('hello'))).rejects.toThrow(ElfError);
  });

  it('turns an access to an unmapped device into a load access fault (cause 5)', async () => {
    // Trap handler at +0x100 reports mcause through the finisher: (mcause << 16) | 0x3333.
    const code = [
      ...A.li(X.t0, 0x8000_0100n),
      A.csrw(0x305, X.t0),
      ...A.li(X.t1, 0x0c00_0000n), // PLIC: not emulated by the bare machine
      A.load(2, X.a0, X.t1, 0),
    ];
    const handler = [
      A.csrr(X.t2, 0x342),
      A.slli(X.t2, X.t2, 16),
      ...A.li(X.t3, 0x3333n),
      A.add(X.t2, X.t2, X.t3),
      ...A.li(X.t4, 0x10_0000n),
      A.sw(X.t4, X.t2, 0),
      A.SPIN,
    ];
    const elf = buildElf({
      entry: 0x8000_0000n,
      segments: [
        { paddr: 0x8000_0000n, data: words(code) },
        { paddr: 0x8000_0100n, data: words(handler) },
      ],
    });
    const traced: string[] = [];
    const result = await runBareMetal(elf, { traceSteps: 3, onTrace: (l) => traced.push(l) });
    expect(result).toMatchObject({ outcome: 'fail', exitCode: 5 });
    expect(traced).toHaveLength(3);
    expect(traced[0]).toMatch(/^0000000080000000 M [0-9a-f]{8}$/);
  });
});
