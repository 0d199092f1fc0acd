import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildWasm } from '../build-wasm';

const cli = join(import.meta.dirname, 'rv.ts');
const programs = join(import.meta.dirname, '..', 'test-programs');

function rv(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => void buildWasm(), 300_000);

describe('npm run rv (CLI exit codes)', () => {
  it('exits 0 for a passing program and prints its UART output', () => {
    const result = rv(join(programs, 'hello.elf'), '--insns-report');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('hello from rv64\n');
    expect(result.stderr).toMatch(/instructions in .* MIPS/);
  });

  it('exits with the finisher code on failure', () => {
    expect(rv(join(programs, 'fail.elf')).code).toBe(7);
  });

  it('exits 124 with a message at the instruction limit', () => {
    const result = rv(join(programs, 'spin.elf'), '--max-insns', '1000');
    expect(result.code).toBe(124);
    expect(result.stderr).toMatch(/instruction limit reached \(1000 instructions\)/);
  });

  it('exits 2 with a one-line message for a non-ELF file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rv-')), 'not.elf');
    writeFileSync(file, 'plain text');
    const result = rv(file);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not an ELF file/);
  });

  it('runs a program with the JIT (--jit mixed / always) and reports what ran translated', () => {
    for (const mode of ['mixed', 'always']) {
      const result = rv(join(programs, 'hello.elf'), '--insns-report', '--jit', mode);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('hello from rv64\n');
      expect(result.stderr).toMatch(/jit: [\d.]+ % translated, \d+ blocks/);
    }
    const bad = rv(join(programs, 'hello.elf'), '--jit', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jit needs off, mixed or always/);
  });
});
