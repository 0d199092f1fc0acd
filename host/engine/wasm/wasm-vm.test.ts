import { describe, expect, it } from 'vitest';
import { WasmVm } from './wasm-vm';

describe('WasmVm', () => {
  it('before boot: riscv64 limits, no metrics, no shape, console input goes nowhere harmful', () => {
    const logs: string[] = [];
    const vm = new WasmVm({
      log: (_s, m) => logs.push(m),
      configureLogger: () => undefined,
      configureMetrics: () => undefined,
      flushMetrics: () => undefined,
      onStop: () => undefined,
      bootTimer: false,
    });
    expect(vm.limits.arch).toBe('riscv64');
    expect(vm.metricsGroups()).toEqual({});
    expect(vm.shape()).toBeUndefined();
    expect(vm.stopReason()).toBeUndefined();
    expect(vm.console.write(new Uint8Array([65]))).toBe(true);
    expect(() => vm.destroy()).not.toThrow();
  });
});
