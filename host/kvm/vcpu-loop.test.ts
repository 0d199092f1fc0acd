import { describe, expect, it } from 'vitest';
import type { BusDevice } from '../../core/bus/bus-device';
import type { Vcpu, VmExit } from '../engine/engine';
import { BusAccess } from './bus-access';
import { handleExit, runVcpuLoop } from './vcpu-loop';

/** A vCPU that replays a fixed list of exits, as KVM would produce them. */
class ReplayVcpu implements Vcpu {
  readonly id = 0;
  runs = 0;
  constructor(private readonly exits: VmExit[]) {}
  run(): VmExit {
    const exit = this.exits[this.runs++];
    if (!exit) throw new Error('KVM_RUN failed: EFAULT');
    return exit;
  }
  close(): void {}
}

class Bytes implements BusDevice {
  readonly written: number[] = [];
  read(_offset: number, data: Uint8Array): void {
    data.fill(0x5a);
  }
  write(_offset: number, data: Uint8Array): void {
    this.written.push(...data);
  }
}

function machine(): { devices: BusAccess; port: Bytes; regs: Bytes } {
  const devices = new BusAccess();
  const port = new Bytes();
  const regs = new Bytes();
  devices.pio.register(0x3f8, 8, port);
  devices.mmio.register(0xd000_0000, 0x1000, regs);
  return { devices, port, regs };
}

describe('vCPU exit loop', () => {
  it('delivers string port output element by element and fills port input in place', () => {
    const { devices, port } = machine();
    const input = new Uint8Array(2);
    const vcpu = new ReplayVcpu([
      { kind: 'io-out', port: 0x3f8, size: 1, count: 3, data: Uint8Array.of(1, 2, 3) },
      { kind: 'io-in', port: 0x3f8, size: 1, count: 2, data: input },
      { kind: 'hlt' },
    ]);
    const reason = runVcpuLoop(vcpu, devices, { stopRequested: () => false });
    expect(reason).toMatchObject({ kind: 'halted', exits: 3 });
    expect(port.written).toEqual([1, 2, 3]);
    expect(Array.from(input)).toEqual([0x5a, 0x5a]);
  });

  it('stops with the address when MMIO hits nothing, after serving mapped MMIO', () => {
    const { devices, regs } = machine();
    const vcpu = new ReplayVcpu([
      { kind: 'mmio-write', address: 0xd000_0004, data: Uint8Array.of(9, 0, 0, 0) },
      { kind: 'mmio-read', address: 0xfee0_0000, data: new Uint8Array(4) },
      { kind: 'hlt' },
    ]);
    const reason = runVcpuLoop(vcpu, devices, { stopRequested: () => false });
    expect(regs.written).toEqual([9, 0, 0, 0]);
    expect(reason.kind).toBe('unhandled-mmio');
    expect(reason.message).toContain('read 4 bytes at unmapped guest-physical address 0xfee00000');
    expect(vcpu.runs).toBe(2);
  });

  it('checks for a stop request before every run and after a kick', () => {
    let kicks = 0;
    const vcpu = new ReplayVcpu([{ kind: 'interrupted' }, { kind: 'hlt' }]);
    const reason = runVcpuLoop(vcpu, machine().devices, {
      stopRequested: () => kicks > 0,
      onInterrupted: () => kicks++,
    });
    expect(reason).toMatchObject({ kind: 'stop-requested', exits: 1 });
  });

  it('turns a failing KVM_RUN into an error stop instead of throwing', () => {
    const reason = runVcpuLoop(new ReplayVcpu([]), machine().devices, {
      stopRequested: () => false,
    });
    expect(reason).toMatchObject({ kind: 'error', exits: 0 });
    expect(reason.message).toContain('EFAULT');
  });

  it('explains every fatal exit', () => {
    const { devices } = machine();
    const cases: [VmExit, string, RegExp][] = [
      [{ kind: 'shutdown' }, 'shutdown', /triple-fault/],
      [{ kind: 'fail-entry', hardwareReason: 0x21n, cpu: 0 }, 'fail-entry', /reason 0x21 on cpu 0/],
      [
        { kind: 'internal-error', suberror: 1, data: [0xf4n] },
        'internal-error',
        /emulation failed.*0xf4/,
      ],
      [{ kind: 'system-event', type: 2, data: [] }, 'system-event', /reset/],
      [{ kind: 'unknown', reason: 42 }, 'unknown-exit', /42/],
    ];
    for (const [exit, kind, message] of cases) {
      const reason = handleExit(exit, devices, 5);
      expect(reason?.kind).toBe(kind);
      expect(reason?.message).toMatch(message);
      expect(reason?.exits).toBe(5);
    }
  });
});
