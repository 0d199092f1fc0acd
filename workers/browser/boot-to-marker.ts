/**
 * Support for timing "start → marker" (bench/boot and the e2e tests): the line the bundled guest's
 * /init prints once userspace is up, and a watcher that finds it in console output arriving in
 * arbitrary chunks (a chunk boundary may split the marker).
 */

export const BOOT_MARKER = 'kindling: boot complete';

export class MarkerWatcher {
  private tail = '';
  private seen = false;

  constructor(readonly marker: string = BOOT_MARKER) {
    if (marker.length === 0) throw new RangeError('an empty marker matches nothing');
  }

  get found(): boolean {
    return this.seen;
  }

  /** Feed console bytes; true once the marker has appeared (in this chunk or earlier). */
  feed(bytes: Uint8Array): boolean {
    if (this.seen) return true;
    // Byte-per-char decoding: the marker is ASCII, and no multi-byte sequence can fake it.
    let text = this.tail;
    for (const byte of bytes) text += String.fromCharCode(byte);
    this.seen = text.includes(this.marker);
    this.tail = text.slice(-(this.marker.length - 1));
    return this.seen;
  }
}
