// JIT-only mode (every block translated before it first runs) and mixed mode against the
// interpreter on the conformance ELFs: same outcome, same UART output, same instret.
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuModule, CPU_BUILD_TIMEOUT_MS } from '../../test-support/machine.node';
import { runOnEngine } from './jit-bare-machine';

const ELF_DIR = join(import.meta.dirname, '../../tests/elf');
const elfs = readdirSync(ELF_DIR)
  .filter((f) => f.endsWith('.elf'))
  .sort();

describe('JIT vs interpreter on cpu/tests/elf', () => {
  let module: WebAssembly.Module;
  beforeAll(async () => {
    module = await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it.each(elfs)('%s behaves identically', async (name) => {
    const elf = readFileSync(join(ELF_DIR, name));
    const interp = await runOnEngine(module, elf, 'interpreter');
    const jit = await runOnEngine(module, elf, 'jit');
    expect(jit.outcome).toBe(interp.outcome);
    expect(jit.output).toBe(interp.output);
    // Interrupt arrival is asynchronous (timer polls fall at different instructions in the two
    // engines), so only the interrupt tests may retire a different number of instructions.
    if (!name.startsWith('irq_')) expect(jit.instret).toBe(interp.instret);
    expect(jit.jit!.translatedInstructions).toBeGreaterThan(0);
    // Mixed mode: blocks translated after two visits, the interpreter runs the rest in between.
    const mixed = await runOnEngine(module, elf, 'jit', { threshold: 2 });
    expect(mixed.outcome).toBe(interp.outcome);
    expect(mixed.output).toBe(interp.output);
    if (!name.startsWith('irq_')) expect(mixed.instret).toBe(interp.instret);
    console.log(
      `${name}: ${interp.outcome}, ${interp.instret}/${jit.instret} insns, ${jit.jit!.translatedInstructions} translated, ` +
        `${jit.jit!.interpretedSteps} interpreted, ${jit.jit!.blocksCompiled} blocks; mixed: ` +
        `${mixed.jit!.translatedInstructions} translated`,
    );
  });
});
