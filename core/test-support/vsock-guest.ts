import { VsockDevice } from '../devices/virtio/vsock/device';
import {
  decodeHeader,
  encodeHeader,
  HOST_CID,
  VSOCK_HDR_BYTES,
  VSOCK_TYPE_STREAM,
  type VsockHeader,
} from '../devices/virtio/vsock/packet';
import { VirtioMmioTransport } from '../virtio/mmio-transport';
import { GuardedMemory, RecordingLine } from './test-memory';
import { VirtioTestDriver } from './virtio-driver';

const BASE = 0x8000_0000;
const SIZE = 0x100000;

export interface ReceivedPacket {
  header: VsockHeader;
  payload: Uint8Array;
}

/** A guest with a virtio-vsock device; speaks raw packets (rx 0, tx 1, event 2). */
export class VsockTestGuest {
  readonly memory = new GuardedMemory([{ start: BASE, size: SIZE }]);
  readonly line = new RecordingLine();
  readonly device: VsockDevice;
  readonly transport: VirtioMmioTransport;
  readonly driver: VirtioTestDriver;
  private readonly rxPosted = new Map<number, number>();

  constructor(readonly cid = 3) {
    this.device = new VsockDevice({ guestCid: cid });
    this.transport = new VirtioMmioTransport(this.device, this.memory, this.line);
    this.driver = new VirtioTestDriver(this.transport, this.memory, {
      start: BASE,
      end: BASE + SIZE,
    });
    this.driver.init(3);
  }

  postRx(count: number, size = 4096): void {
    for (let i = 0; i < count; i++) {
      const s = this.driver.submit(0, [{ writable: size }]);
      this.rxPosted.set(s.head, s.buffers[0]!.addr);
    }
    this.driver.notify(0);
  }

  /** Send a packet from guest port `srcPort` to host port `dstPort`. */
  send(
    fields: Partial<VsockHeader> & { op: number; srcPort: number; dstPort: number },
    payload: Uint8Array = new Uint8Array(0),
  ): void {
    const header: VsockHeader = {
      srcCid: this.cid,
      dstCid: HOST_CID,
      len: payload.length,
      type: VSOCK_TYPE_STREAM,
      flags: 0,
      bufAlloc: 65536,
      fwdCnt: 0,
      ...fields,
    };
    this.driver.submit(1, [{ data: encodeHeader(header) }, { data: payload }]);
    this.driver.notify(1);
    this.driver.collectUsed(1);
  }

  received(): ReceivedPacket[] {
    return this.driver.collectUsed(0).flatMap((u) => {
      const addr = this.rxPosted.get(u.id);
      this.rxPosted.delete(u.id);
      if (addr === undefined || u.len < VSOCK_HDR_BYTES) return [];
      const raw = new Uint8Array(u.len);
      this.memory.read(addr as never, raw);
      return [{ header: decodeHeader(raw), payload: raw.subarray(VSOCK_HDR_BYTES) }];
    });
  }
}
