import { describe, expect, it } from 'vitest';
import type { BusDevice } from '../../core/bus/bus-device';
import { startTsWorker } from '../../workers/node/ts-worker';
import { BusAccess } from './bus-access';
import { VcpuExitServer } from './vcpu-exits';

/** Remembers the last write per offset and reads it back; bytes never written read 0x5a. */
class Registers implements BusDevice {
  readonly writes: string[] = [];
  private readonly stored = new Map<number, Uint8Array>();
  read(offset: number, data: Uint8Array): void {
    data.fill(0x5a);
    data.set(this.stored.get(offset)?.subarray(0, data.length) ?? []);
  }
  write(offset: number, data: Uint8Array): void {
    this.writes.push(`${offset}:${Array.from(data).join(',')}`);
    this.stored.set(offset, data.slice());
  }
}

describe('vCPU exits over core exit mailbox', () => {
  it('routes ports and MMIO from a vCPU thread to core buses and contains a throwing device', async () => {
    const devices = new BusAccess();
    const port = new Registers();
    const mmio = new Registers();
    devices.pio.register(0x3f8, 8, port);
    devices.mmio.register(0xd000_0000, 0x1000, mmio);
    devices.mmio.register(0xd000_1000, 0x1000, {
      read: () => {},
      write: () => {
        throw new Error('device bug');
      },
    });
    const exits = new VcpuExitServer(2, devices);
    exits.serve();
    const worker = startTsWorker(new URL('./test-support/exit-client.worker.ts', import.meta.url), {
      buffer: exits.buffer,
      slot: 1,
    });
    const results = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).finally(() => worker.terminate());
    exits.stop();
    expect(results).toEqual({
      portWrite: true,
      portRead: true,
      portValue: [0x41, 0x5a], // a 2-byte read of the port the byte was written to: stored byte, then fill
      unclaimedPort: true,
      mmioWrite: true,
      mmioRead: true,
      mmioValue: [1, 2, 3, 4, 5, 6, 7, 8],
      unmappedMmio: false,
      throwingDevice: false,
      oddSize: false,
      mmioAtPortNumber: false,
    });
    expect(port.writes).toEqual(['0:65']);
    expect(mmio.writes).toEqual(['8:1,2,3,4,5,6,7,8']);
    expect((exits.lastDeviceError as Error).message).toBe('device bug');
    expect(exits.answered).toEqual([0, 8]); // the odd size never left the vCPU
    expect(devices.unclaimedPorts).toBe(1);
  });
});
