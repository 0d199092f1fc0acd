import { describe, it, expect } from 'vitest';
import { parseJitSettings, validateJitSettings } from './jit-settings';

describe('JIT settings', () => {
  it('parses the command-line forms', () => {
    expect(parseJitSettings('off')).toEqual({ mode: 'off' });
    expect(parseJitSettings('mixed')).toEqual({ mode: 'mixed' });
    expect(parseJitSettings(' always ')).toEqual({ mode: 'always' });
    expect(parseJitSettings('mixed:64')).toEqual({ mode: 'mixed', threshold: 64 });
  });

  it('rejects unknown modes, bad thresholds and extra parts with a sentence', () => {
    for (const bad of [
      '',
      'on',
      'MIXED',
      'mixed:',
      'mixed:0',
      'mixed:-3',
      'mixed:1.5',
      'mixed:x',
    ]) {
      expect(typeof parseJitSettings(bad), bad).toBe('string');
    }
    expect(parseJitSettings('mixed:1:2')).toMatch(/bad JIT setting/);
    expect(parseJitSettings('mixed:99999999')).toMatch(/at most/);
  });

  it('validates untrusted objects without throwing', () => {
    for (const bad of [
      null,
      undefined,
      3,
      'mixed',
      {},
      { mode: 1 },
      { mode: 'mixed', threshold: '8' },
    ]) {
      expect(typeof validateJitSettings(bad)).toBe('string');
    }
    expect(validateJitSettings({ mode: 'always', threshold: 4 })).toEqual({
      mode: 'always',
      threshold: 4,
    });
  });
});
