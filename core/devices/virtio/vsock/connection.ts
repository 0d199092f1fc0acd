/**
 * One host-side stream connection and its credit accounting (5.10.6.3).
 *
 * Host → guest: we may have at most `peerBufAlloc - (txCnt - peerFwdCnt)` bytes in flight.
 * Guest → host: data is handed to `onData` as it arrives, so our fwd_cnt is what we received;
 * we advertise it in every header and send CREDIT_UPDATE when the guest's view lags by half.
 */
export type StreamState = 'connecting' | 'open' | 'closing' | 'closed';

/** The host application's end of a vsock stream. */
export interface VsockStream {
  readonly hostPort: number;
  readonly guestPort: number;
  readonly state: StreamState;
  /** Queue bytes for the guest; they leave as the guest's credit allows. */
  send(data: Uint8Array): void;
  /** Shut down both directions once queued data has gone out. */
  close(): void;
  onOpen: (() => void) | undefined;
  onData: ((data: Uint8Array) => void) | undefined;
  onClose: (() => void) | undefined;
}

export class Connection implements VsockStream {
  state: StreamState;
  onOpen: (() => void) | undefined;
  onData: ((data: Uint8Array) => void) | undefined;
  onClose: (() => void) | undefined;
  /** Bytes sent to the guest in RW packets (wraps at 2^32 like the wire counters). */
  txCnt = 0;
  /** Bytes received from the guest and consumed. */
  fwdCnt = 0;
  /** fwd_cnt the guest last saw from us. */
  reportedFwdCnt = 0;
  peerBufAlloc = 0;
  peerFwdCnt = 0;
  /** Host data waiting for guest credit. */
  readonly pending: Uint8Array[] = [];
  pendingBytes = 0;
  closeRequested = false;
  /** A control op to send (RESPONSE, REQUEST, CREDIT_UPDATE, SHUTDOWN); at most one of each. */
  readonly controlOps = new Set<number>();

  constructor(
    readonly hostPort: number,
    readonly guestPort: number,
    state: StreamState,
    private readonly wake: (c: Connection) => void,
  ) {
    this.state = state;
  }

  /** Bytes the guest can still accept. */
  get peerCredit(): number {
    const inFlight = (this.txCnt - this.peerFwdCnt) >>> 0;
    return Math.max(0, this.peerBufAlloc - inFlight);
  }

  send(data: Uint8Array): void {
    if (this.state === 'closed' || this.closeRequested || data.length === 0) return;
    this.pending.push(Uint8Array.from(data));
    this.pendingBytes += data.length;
    this.wake(this);
  }

  close(): void {
    if (this.state === 'closed' || this.closeRequested) return;
    this.closeRequested = true;
    this.wake(this);
  }

  /** Take up to `max` bytes of pending data (already limited by credit by the caller). */
  takePending(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.pendingBytes));
    let at = 0;
    while (at < out.length) {
      const head = this.pending[0]!;
      const n = Math.min(head.length, out.length - at);
      out.set(head.subarray(0, n), at);
      at += n;
      if (n === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(n);
    }
    this.pendingBytes -= out.length;
    this.txCnt = (this.txCnt + out.length) >>> 0;
    return out;
  }
}
