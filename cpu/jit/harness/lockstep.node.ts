// Runs a program on the JIT in calls of varied budgets and the interpreter on a second machine
// for the same number of instructions after each, comparing pc, instret and registers at every
// stop: translated code must leave the state exactly where the interpreter does.
import { expect } from 'vitest';
import { integerState, type TestMachine } from '../../test-support/machine.node';
import { JitHart } from '../jit-hart';

/** Runs hart 0 of `m` on the JIT until pc reaches `end`, `reference` in lockstep. */
export function runInLockstep(
  m: TestMachine,
  reference: TestMachine,
  end: bigint,
  budgets: readonly number[],
): JitHart {
  const jit = new JitHart(m.cpus[0]!, m.memory, 0);
  for (let i = 0; i < 10_000 && m.harts[0]!.pc !== end; i++) {
    jit.run(budgets[i % budgets.length]!);
    reference.run(Number(m.harts[0]!.instret - reference.harts[0]!.instret));
    expect(integerState(m)).toEqual(integerState(reference));
  }
  expect(m.harts[0]!.pc).toBe(end);
  return jit;
}
