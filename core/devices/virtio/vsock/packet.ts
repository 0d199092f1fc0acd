/** virtio-vsock packet header and constants (virtio 1.x 5.10.6). */

export const VSOCK_HDR_BYTES = 44;
export const HOST_CID = 2;
export const VSOCK_TYPE_STREAM = 1;

export const VsockOp = {
  INVALID: 0,
  REQUEST: 1,
  RESPONSE: 2,
  RST: 3,
  SHUTDOWN: 4,
  RW: 5,
  CREDIT_UPDATE: 6,
  CREDIT_REQUEST: 7,
} as const;

/** SHUTDOWN flags: the sender will receive / send no more. */
export const Shutdown = { RCV: 1, SEND: 2 } as const;

/** Event queue: the only event, sent after a snapshot restore drops every connection. */
export const VSOCK_EVENT_TRANSPORT_RESET = 0;

/** Header fields. CIDs are numbers: ours fit in 32 bits; larger wire values are rejected. */
export interface VsockHeader {
  srcCid: number;
  dstCid: number;
  srcPort: number;
  dstPort: number;
  len: number;
  type: number;
  op: number;
  flags: number;
  bufAlloc: number;
  fwdCnt: number;
}

export function encodeHeader(h: VsockHeader): Uint8Array {
  const bytes = new Uint8Array(VSOCK_HDR_BYTES);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, h.srcCid >>> 0, true);
  v.setUint32(4, Math.floor(h.srcCid / 2 ** 32), true);
  v.setUint32(8, h.dstCid >>> 0, true);
  v.setUint32(12, Math.floor(h.dstCid / 2 ** 32), true);
  v.setUint32(16, h.srcPort >>> 0, true);
  v.setUint32(20, h.dstPort >>> 0, true);
  v.setUint32(24, h.len >>> 0, true);
  v.setUint16(28, h.type, true);
  v.setUint16(30, h.op, true);
  v.setUint32(32, h.flags >>> 0, true);
  v.setUint32(36, h.bufAlloc >>> 0, true);
  v.setUint32(40, h.fwdCnt >>> 0, true);
  return bytes;
}

export function decodeHeader(bytes: Uint8Array): VsockHeader {
  const v = new DataView(bytes.buffer, bytes.byteOffset, VSOCK_HDR_BYTES);
  return {
    srcCid: v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32,
    dstCid: v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32,
    srcPort: v.getUint32(16, true),
    dstPort: v.getUint32(20, true),
    len: v.getUint32(24, true),
    type: v.getUint16(28, true),
    op: v.getUint16(30, true),
    flags: v.getUint32(32, true),
    bufAlloc: v.getUint32(36, true),
    fwdCnt: v.getUint32(40, true),
  };
}
