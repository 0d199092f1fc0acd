import { NetDevice, type NetDeviceOptions, NET_HDR_BYTES } from '../devices/virtio/net/device';
import { VirtioMmioTransport } from '../virtio/mmio-transport';
import { GuardedMemory, RecordingLine } from './test-memory';
import { VirtioTestDriver } from './virtio-driver';

const BASE = 0x8000_0000;
const SIZE = 0x40000;

/** A guest with one virtio-net device driven by the test driver (rx queue 0, tx queue 1). */
export class NetTestVm {
  readonly memory = new GuardedMemory([{ start: BASE, size: SIZE }]);
  readonly line = new RecordingLine();
  readonly device: NetDevice;
  readonly transport: VirtioMmioTransport;
  readonly driver: VirtioTestDriver;
  private readonly rxPosted = new Map<number, { addr: number; len: number }>();

  constructor(mac: Uint8Array, opts: Omit<NetDeviceOptions, 'mac'> = {}) {
    this.device = new NetDevice({ mac, ...opts });
    this.transport = new VirtioMmioTransport(this.device, this.memory, this.line);
    this.driver = new VirtioTestDriver(this.transport, this.memory, {
      start: BASE,
      end: BASE + SIZE,
    });
    this.driver.init(2);
  }

  /** Post `count` rx buffers of `size` bytes each. */
  postRx(count: number, size = 2048): void {
    for (let i = 0; i < count; i++) {
      const s = this.driver.submit(0, [{ writable: size }]);
      const b = s.buffers[0]!;
      this.rxPosted.set(s.head, { addr: b.addr, len: b.len });
    }
    this.driver.notify(0);
  }

  /** Frames the device wrote into posted rx buffers (header stripped). */
  receivedFrames(): Uint8Array[] {
    return this.driver.collectUsed(0).flatMap((u) => {
      const b = this.rxPosted.get(u.id);
      this.rxPosted.delete(u.id);
      if (!b || u.len < NET_HDR_BYTES) return [];
      const out = new Uint8Array(u.len - NET_HDR_BYTES);
      this.memory.read((b.addr + NET_HDR_BYTES) as never, out);
      return [out];
    });
  }

  /** Transmit one frame (header + frame in two descriptors). */
  send(frame: Uint8Array): void {
    this.driver.submit(1, [{ data: new Uint8Array(NET_HDR_BYTES) }, { data: frame }]);
    this.driver.notify(1);
    this.driver.collectUsed(1);
  }
}

/** An Ethernet frame from `src` to `dst` with a payload. */
export function ethernetFrame(dst: Uint8Array, src: Uint8Array, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88;
  f[13] = 0xb5; // local experimental ethertype
  f.set(payload, 14);
  return f;
}

export const BROADCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
