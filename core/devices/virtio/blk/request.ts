import type { GuestMemory } from '../../../memory/guest-memory';
import { ChainCursor } from '../../../virtio/chain-cursor';
import type { DescriptorChain, GuestBuffer } from '../../../virtio/descriptor-chain';

/** Request types and status codes (virtio 1.x 5.2.6). */
export const BlkType = { IN: 0, OUT: 1, FLUSH: 4, GET_ID: 8 } as const;
export const BlkStatus = { OK: 0, IOERR: 1, UNSUPP: 2 } as const;
export const SECTOR_SIZE = 512;
/** GET_ID answers with up to 20 bytes of serial number. */
export const BLK_ID_BYTES = 20;
const HEADER_BYTES = 16;

/** A parsed request: header fields plus where its data and status byte live. */
export interface BlockRequest {
  readonly head: number;
  readonly type: number;
  readonly sector: number;
  /** Guest buffers with the data to write (OUT), after the header. */
  readonly outData: ChainCursor;
  /** Guest buffers the device fills (IN, GET_ID): all writable bytes but the last. */
  readonly inData: ChainCursor;
  /** Where the status byte goes: the last writable byte. */
  readonly status: GuestBuffer;
}

/**
 * Split a chain into header / data / status, whatever the descriptor boundaries. Returns a reason
 * string when the chain cannot be a block request (no room for header or status); the device then
 * completes it with length 0, since there is nowhere to put a status.
 */
export function parseBlockRequest(
  memory: GuestMemory,
  chain: DescriptorChain,
): BlockRequest | string {
  if (chain.readableBytes < HEADER_BYTES) return 'request header shorter than 16 bytes';
  if (chain.writableBytes < 1) return 'no writable status byte';
  const header = new Uint8Array(HEADER_BYTES);
  const readCursor = new ChainCursor(memory, chain.readable, chain.readableBytes);
  readCursor.read(header);
  const view = new DataView(header.buffer);
  const type = view.getUint32(0, true);
  const sector = view.getUint32(8, true) + view.getUint32(12, true) * 0x1_0000_0000;
  const status = lastByte(chain.writable);
  const inData = new ChainCursor(memory, chain.writable, chain.writableBytes - 1);
  return { head: chain.head, type, sector, outData: readCursor, inData, status };
}

function lastByte(buffers: readonly GuestBuffer[]): GuestBuffer {
  for (let i = buffers.length - 1; i >= 0; i--) {
    const b = buffers[i];
    if (b && b.len > 0) return { addr: (b.addr + b.len - 1) as GuestBuffer['addr'], len: 1 };
  }
  throw new RangeError('no writable byte'); // unreachable: writableBytes ≥ 1 was checked
}
