/**
 * Coalesces console output before it crosses to the page: a chatty boot prints thousands of tiny
 * chunks, and one postMessage per chunk would cost more than the emulation. Bytes are delivered
 * `delayMs` after the first pending byte, or at once when `maxBytes` are pending.
 */
import type { CancelScheduled, Scheduler } from '../../core/time/clock';

export interface ConsoleBatcherOptions {
  delayMs?: number;
  maxBytes?: number;
}

export class ConsoleBatcher {
  private readonly delayMs: number;
  private readonly maxBytes: number;
  private chunks: Uint8Array[] = [];
  private pendingBytes = 0;
  private cancelTimer: CancelScheduled | undefined;

  constructor(
    private readonly deliver: (bytes: Uint8Array) => void,
    private readonly scheduler: Scheduler,
    options: ConsoleBatcherOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 16;
    this.maxBytes = options.maxBytes ?? 4096;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Copy: the producer may reuse its buffer.
    this.chunks.push(bytes.slice());
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.maxBytes) this.flush();
    else this.cancelTimer ??= this.scheduler.schedule(this.delayMs, () => this.flush());
  }

  /** Deliver everything pending now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pendingBytes === 0) return;
    const out = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.chunks = [];
    this.pendingBytes = 0;
    this.deliver(out);
  }
}
