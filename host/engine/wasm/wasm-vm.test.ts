import { describe, expect, it } from 'vitest';
import { WasmVm, metricsGroupName } from './wasm-vm';

describe('WasmVm', () => {
  it('names device metrics groups as Firecracker does', () => {
    expect(metricsGroupName('virtio-blk:rootfs')).toBe('block_rootfs');
    expect(metricsGroupName('virtio-blk:data-1')).toBe('block_data_1');
    expect(metricsGroupName('virtio-net:eth0')).toBe('net_eth0');
    expect(metricsGroupName('virtio-rng')).toBe('virtio_rng');
  });

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
