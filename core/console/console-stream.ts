/**
 * A VM's serial console as a stream that many viewers can attach to and one writer can type into.
 *
 * The UART's output sink pushes bytes here; the stream keeps the last `scrollbackBytes` so a viewer
 * attaching late (a browser tab, a remote gateway client) first sees recent output, then live bytes.
 * Input goes back to the UART through `onInput`, which the machine wires to the device's receive FIFO.
 */

export type ConsoleListener = (bytes: Uint8Array) => void;

export interface ConsoleAttachment {
  /** Output produced before this viewer attached (up to the scrollback size). */
  readonly backlog: Uint8Array;
  detach(): void;
}

export class ConsoleStream {
  private readonly ring: Uint8Array;
  private ringStart = 0;
  private ringLength = 0;
  private readonly listeners = new Set<ConsoleListener>();
  private inputSink: ((bytes: Uint8Array) => void) | undefined;
  /** Total bytes ever written by the guest (for metrics and "new output" badges). */
  bytesOut = 0;

  constructor(readonly scrollbackBytes = 64 * 1024) {
    this.ring = new Uint8Array(scrollbackBytes);
  }

  /** Guest output (called by the UART's sink). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.bytesOut += bytes.length;
    this.remember(bytes);
    for (const listener of this.listeners) {
      try {
        listener(bytes);
      } catch {
        // A failing viewer must not stop output reaching the others.
      }
    }
  }

  /** Attach a viewer: it receives everything pushed from now on. */
  attach(listener: ConsoleListener): ConsoleAttachment {
    const backlog = this.backlog();
    this.listeners.add(listener);
    return { backlog, detach: () => this.listeners.delete(listener) };
  }

  get viewers(): number {
    return this.listeners.size;
  }

  /** Where typed bytes go (the machine connects the UART's receive side). */
  onInput(sink: (bytes: Uint8Array) => void): void {
    this.inputSink = sink;
  }

  /** Keyboard input from the writer. Returns false when no input sink is connected. */
  write(bytes: Uint8Array): boolean {
    if (!this.inputSink) return false;
    this.inputSink(bytes);
    return true;
  }

  /** The remembered output, oldest first. */
  backlog(): Uint8Array {
    const out = new Uint8Array(this.ringLength);
    const firstPart = Math.min(this.ringLength, this.ring.length - this.ringStart);
    out.set(this.ring.subarray(this.ringStart, this.ringStart + firstPart), 0);
    out.set(this.ring.subarray(0, this.ringLength - firstPart), firstPart);
    return out;
  }

  private remember(bytes: Uint8Array): void {
    const cap = this.ring.length;
    if (cap === 0) return;
    const src = bytes.length > cap ? bytes.subarray(bytes.length - cap) : bytes;
    for (let i = 0; i < src.length;) {
      const end = (this.ringStart + this.ringLength) % cap;
      const run = Math.min(src.length - i, cap - end);
      this.ring.set(src.subarray(i, i + run), end);
      i += run;
      this.ringLength += run;
      if (this.ringLength > cap) {
        this.ringStart = (this.ringStart + (this.ringLength - cap)) % cap;
        this.ringLength = cap;
      }
    }
  }
}
