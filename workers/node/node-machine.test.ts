import { describe, it, expect } from 'vitest';
import { jitFromEnvironment } from './node-machine';

describe('KINDLING_JIT', () => {
  it('chooses the engine of Node machines whose spec names none', () => {
    expect(jitFromEnvironment(undefined)).toBeUndefined();
    expect(jitFromEnvironment('')).toBeUndefined();
    expect(jitFromEnvironment('mixed')).toEqual({ mode: 'mixed' });
    expect(jitFromEnvironment('mixed:32')).toEqual({ mode: 'mixed', threshold: 32 });
    expect(jitFromEnvironment('off')).toEqual({ mode: 'off' });
  });

  it('refuses a value it does not understand, naming the variable', () => {
    expect(() => jitFromEnvironment('turbo')).toThrow(/KINDLING_JIT: JIT mode must be one of/);
  });
});
