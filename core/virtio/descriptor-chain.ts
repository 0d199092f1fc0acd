import type { GuestAddress } from '../memory/guest-address';
import { type GuestMemory, GuestMemoryError } from '../memory/guest-memory';
import { DescFlag } from './constants';
import { QueueError } from './queue-error';

/** One guest buffer of a chain, already checked to lie inside guest memory. */
export interface GuestBuffer {
  readonly addr: GuestAddress;
  readonly len: number;
}

/**
 * A validated descriptor chain: device-readable buffers first, then device-writable ones.
 * `head` is what goes back in the used ring.
 */
export interface DescriptorChain {
  readonly head: number;
  readonly readable: GuestBuffer[];
  readonly writable: GuestBuffer[];
  readonly readableBytes: number;
  readonly writableBytes: number;
}

/** Size of one split-ring descriptor. */
export const DESCRIPTOR_SIZE = 16;

/**
 * Walk and validate the chain starting at `head` of the descriptor table at `table` (`size`
 * entries). Every rule of 2.7.5 is checked here and nowhere else:
 * - indices below the table size; at most `size` descriptors (so loops end),
 * - INDIRECT only when negotiated, never nested, never with NEXT, table length a non-zero
 *   multiple of 16 and inside guest memory,
 * - each buffer entirely inside guest memory,
 * - no device-readable buffer after a device-writable one.
 * Throws QueueError on any violation.
 */
export function readDescriptorChain(
  memory: GuestMemory,
  table: GuestAddress,
  size: number,
  head: number,
  indirectAllowed: boolean,
): DescriptorChain {
  try {
    return walk(memory, table, size, head, indirectAllowed);
  } catch (e) {
    if (e instanceof GuestMemoryError)
      throw new QueueError(`descriptor chain ${head}: ${e.message}`);
    throw e;
  }
}

function walk(
  memory: GuestMemory,
  table: GuestAddress,
  size: number,
  head: number,
  indirectAllowed: boolean,
): DescriptorChain {
  if (head >= size) throw new QueueError(`chain head ${head} ≥ queue size ${size}`);
  const readable: GuestBuffer[] = [];
  const writable: GuestBuffer[] = [];
  let readableBytes = 0;
  let writableBytes = 0;
  let currentTable = table;
  let tableSize = size;
  let inIndirect = false;
  let index = head;
  let count = 0;
  for (;;) {
    if (++count > tableSize) throw new QueueError(`chain ${head} longer than its table (loop?)`);
    const at = (currentTable + index * DESCRIPTOR_SIZE) as GuestAddress;
    const addr = memory.readU64AsNumber(at) as GuestAddress;
    const len = memory.readU32((at + 8) as GuestAddress);
    const flags = memory.readU16((at + 12) as GuestAddress);
    const next = memory.readU16((at + 14) as GuestAddress);
    if (flags & DescFlag.INDIRECT) {
      if (!indirectAllowed) throw new QueueError('indirect descriptor not negotiated');
      if (inIndirect) throw new QueueError('nested indirect descriptor');
      if (flags & DescFlag.NEXT) throw new QueueError('indirect descriptor with NEXT');
      if (len === 0 || len % DESCRIPTOR_SIZE !== 0) {
        throw new QueueError(`indirect table length ${len} not a multiple of 16`);
      }
      if (!memory.isRangeValid(addr, len)) throw new QueueError('indirect table outside memory');
      currentTable = addr;
      tableSize = len / DESCRIPTOR_SIZE;
      inIndirect = true;
      index = 0;
      count = 0;
      continue;
    }
    if (!memory.isRangeValid(addr, len)) {
      throw new QueueError(`buffer [${addr}, +${len}) outside guest memory`);
    }
    if (flags & DescFlag.WRITE) {
      writable.push({ addr, len });
      writableBytes += len;
    } else {
      if (writable.length > 0) throw new QueueError('device-readable buffer after a writable one');
      readable.push({ addr, len });
      readableBytes += len;
    }
    if (!(flags & DescFlag.NEXT)) break;
    if (next >= tableSize) throw new QueueError(`next index ${next} ≥ table size ${tableSize}`);
    index = next;
  }
  return { head, readable, writable, readableBytes, writableBytes };
}
