/**
 * A guest broke the virtqueue rules (bad index, loop, out-of-memory buffer, ...). Thrown by the
 * queue code and caught by the transport/devices, which then set DEVICE_NEEDS_RESET: it never
 * escapes to the VMM.
 */
export class QueueError extends Error {
  override name = 'QueueError';
}
