/**
 * Runs every committed conformance ELF (cpu/tests/elf, built by cpu/tests/build.sh) on our CPU
 * through the bare-metal runner and on qemu-system-riscv64 -M virt -bios none. Each program
 * prints "FAIL line N: …" for every failed check and ends through the SiFive test finisher.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultWasm, runBareMetal } from '../runner/bare-machine';

const HERE = dirname(fileURLToPath(import.meta.url));
const ELF_DIR = join(HERE, 'elf');
/** Deliberately failing program that proves a failure is seen as one (exit code 4). */
const MUST_FAIL = 'must_fail.elf';
const MUST_FAIL_CODE = 4;
const MAX_INSNS = 200_000_000;
const QEMU = 'qemu-system-riscv64';

const elfs = readdirSync(ELF_DIR)
  .filter((f) => f.endsWith('.elf'))
  .sort();
const programs = elfs.filter((f) => f !== MUST_FAIL);

interface Outcome {
  exitCode: number | null;
  output: string;
  detail: string;
}

let wasm: Uint8Array | undefined;

async function runOurs(file: string): Promise<Outcome> {
  wasm ??= defaultWasm();
  let output = '';
  const result = await runBareMetal(readFileSync(join(ELF_DIR, file)), {
    wasm,
    maxInsns: MAX_INSNS,
    onOutput: (text) => (output += text),
  });
  return { exitCode: result.exitCode, output, detail: `${result.outcome} ${result.message}` };
}

function runQemu(file: string): Promise<Outcome> {
  const args = ['-M', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-smp', '1'];
  return new Promise((resolve) => {
    execFile(
      QEMU,
      [...args, '-kernel', join(ELF_DIR, file)],
      { timeout: 30_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ exitCode: code, output: stdout, detail: `${error?.message ?? ''} ${stderr}` });
      },
    );
  });
}

function failureLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('FAIL'));
}

function expectPass(file: string, outcome: Outcome): void {
  // The whole output in the message makes a failure self-explanatory in the test report.
  const context = `${file}: ${outcome.detail}\n${outcome.output}`;
  expect(failureLines(outcome.output), context).toEqual([]);
  expect(outcome.output, context).toContain('PASS');
  expect(outcome.exitCode, context).toBe(0);
}

function expectMustFail(outcome: Outcome): void {
  expect(outcome.exitCode).toBe(MUST_FAIL_CODE);
  expect(failureLines(outcome.output)[0]).toMatch(/^FAIL line 3: /);
  expect(outcome.output).not.toContain('PASS');
}

const qemuMissing = !(await new Promise<boolean>((resolve) =>
  execFile(QEMU, ['--version'], (error) => resolve(!error)),
));
if (qemuMissing)
  console.log(`${QEMU} not found: the QEMU half of the conformance suite is skipped`);

describe('conformance programs', () => {
  it('every source under src/ has a committed ELF', () => {
    const sources = readdirSync(join(HERE, 'src')).filter((f) => /\.(c|S)$/.test(f));
    expect(sources.length).toBeGreaterThan(15);
    for (const source of sources) {
      expect(existsSync(join(ELF_DIR, source.replace(/\.(c|S)$/, '.elf'))), source).toBe(true);
    }
  });
});

/** `sha256sum`-style lines for common/* and src/*, as build.sh writes them after a full build. */
function sourceManifest(): string {
  const lines: string[] = [];
  for (const dir of ['common', 'src']) {
    for (const file of readdirSync(join(HERE, dir))) {
      const hash = createHash('sha256').update(readFileSync(join(HERE, dir, file)));
      lines.push(`${hash.digest('hex')}  ${dir}/${file}`);
    }
  }
  const path = (line: string) => line.slice(66);
  return (
    lines.sort((a, b) => (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0)).join('\n') + '\n'
  );
}

describe('committed ELFs', () => {
  it('were built from the sources in the tree (else run cpu/tests/build.sh)', () => {
    expect(sourceManifest()).toBe(readFileSync(join(ELF_DIR, 'sources.sha256'), 'utf8'));
  });
});

describe('conformance on our CPU (cpu/runner)', () => {
  it.each(programs)('%s passes', async (file) => expectPass(file, await runOurs(file)), 60_000);
  it('a failing check is reported with its exit code', async () =>
    expectMustFail(await runOurs(MUST_FAIL)));
});

describe.skipIf(qemuMissing)('conformance on QEMU virt (reference)', () => {
  it.each(programs)('%s passes', async (file) => expectPass(file, await runQemu(file)), 60_000);
  it('a failing check is reported with its exit code', async () =>
    expectMustFail(await runQemu(MUST_FAIL)));
});
