/**
 * The server side of one TCP connection (RFC 9293), reduced to what a request/response service on
 * a point-to-point link needs: passive open, in-order reception into a bounded buffer (out-of-order
 * segments are dropped and re-ACKed, the peer retransmits), flow control both ways, go-back-N
 * retransmission on a timer with exponential backoff or on three duplicate ACKs, zero-window
 * probes, FIN in both directions and RST handling with RFC 5961's checks. No congestion control,
 * no window scaling, SACK or timestamps (none is offered in our SYN-ACK, so the peer uses none).
 *
 * Our sequence numbers are kept as offsets from the ISS (0 = SYN, 1.. = data, then FIN) so
 * comparisons need no modular arithmetic; they become 32-bit numbers only on the wire.
 */
import type { CancelScheduled, Scheduler } from '../../time/clock';
import { TcpFlag, type OutgoingSegment, type TcpSegment } from './packets';

export interface TcpLimits {
  /** Bytes of request we buffer; it is also the largest window we advertise. */
  receiveBuffer: number;
  /** Largest segment we send (and the MSS we announce). */
  maxSegment: number;
  initialRtoMs: number;
  maxRtoMs: number;
  /** Timeouts in a row after which the connection is reset. */
  maxRetransmissions: number;
  /** How long we wait for the peer's FIN once ours is acknowledged. */
  finWait2TimeoutMs: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  receiveBuffer: 8192,
  maxSegment: 1460,
  initialRtoMs: 250,
  maxRtoMs: 4000,
  maxRetransmissions: 8,
  finWait2TimeoutMs: 10_000,
};

/** The peer's MSS when its SYN names none (RFC 9293 §3.7.1). */
const DEFAULT_PEER_MSS = 536;

/** What the application (the HTTP endpoint) sees of a connection. */
export interface TcpStream {
  /** Received bytes not consumed yet (a view: copy what you keep). */
  readonly received: Uint8Array;
  readonly receiveCapacity: number;
  consume(bytes: number): void;
  write(bytes: Uint8Array): void;
  /** Written bytes the peer has not acknowledged yet. */
  readonly unacknowledged: number;
  /** The peer sent FIN: nothing more will be received. */
  readonly peerClosed: boolean;
  /** `close()` was called: FIN follows the written data. */
  readonly closing: boolean;
  close(): void;
}

/** Called after anything that may let the application make progress. */
export type TcpApplication = (stream: TcpStream) => void;

export interface TcpConnectionEvents {
  emit(segment: OutgoingSegment): void;
  closed(reason: string): void;
  retransmitted?(): void;
}

export class TcpServerConnection implements TcpStream {
  private readonly iss: number;
  private readonly irs: number;
  private rcvNxt: number;
  private readonly recvBuf: Uint8Array;
  private recvLen = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private sndWnd: number;
  private readonly sendMss: number;
  /** Unacknowledged and unsent data; `sendBuf[0]` is at offset `sendBufStart`. */
  private sendBuf = new Uint8Array(0);
  private sendBufStart = 1;
  private established = false;
  private finQueued = false;
  private peerFin = false;
  private isClosed = false;
  private ackPending = false;
  private singleSegment = false;
  private dupAcks = 0;
  private retries = 0;
  private timer: CancelScheduled | undefined;

  constructor(
    syn: TcpSegment,
    iss: number,
    private readonly app: TcpApplication,
    private readonly events: TcpConnectionEvents,
    private readonly scheduler: Scheduler,
    private readonly limits: TcpLimits = DEFAULT_TCP_LIMITS,
  ) {
    this.iss = iss >>> 0;
    this.irs = syn.seq;
    this.rcvNxt = (syn.seq + 1) >>> 0;
    this.sndWnd = syn.window;
    this.sendMss = Math.max(1, Math.min(syn.mss ?? DEFAULT_PEER_MSS, limits.maxSegment));
    this.recvBuf = new Uint8Array(limits.receiveBuffer);
    this.transmit(false);
  }

  get closed(): boolean {
    return this.isClosed;
  }
  get received(): Uint8Array {
    return this.recvBuf.subarray(0, this.recvLen);
  }
  get receiveCapacity(): number {
    return this.recvBuf.length;
  }
  get unacknowledged(): number {
    return this.sendBuf.length;
  }
  get peerClosed(): boolean {
    return this.peerFin;
  }
  get closing(): boolean {
    return this.finQueued;
  }

  consume(bytes: number): void {
    const n = Math.min(Math.max(0, bytes), this.recvLen);
    // A window that was too small to be useful reopens: tell the peer.
    if (this.recvBuf.length - this.recvLen < this.limits.maxSegment) this.ackPending = true;
    this.recvBuf.copyWithin(0, n, this.recvLen);
    this.recvLen -= n;
  }

  write(bytes: Uint8Array): void {
    if (this.finQueued || this.isClosed || bytes.length === 0) return;
    const next = new Uint8Array(this.sendBuf.length + bytes.length);
    next.set(this.sendBuf);
    next.set(bytes, this.sendBuf.length);
    this.sendBuf = next;
  }

  close(): void {
    this.finQueued = true;
  }

  /** Ends the connection at once, telling the peer with a RST. */
  abort(reason: string): void {
    if (this.isClosed) return;
    this.events.emit({
      seq: this.wire(this.sndNxt),
      ack: this.rcvNxt,
      flags: TcpFlag.RST | TcpFlag.ACK,
      window: 0,
    });
    this.finish(reason);
  }

  onSegment(seg: TcpSegment): void {
    if (this.isClosed) return;
    if (seg.flags & TcpFlag.RST) return this.onReset(seg);
    if (seg.flags & TcpFlag.SYN) {
      // Our SYN-ACK was lost (the same SYN again) or anything else: challenge ACK (RFC 5961 §4).
      if (!this.established && seg.seq === this.irs) this.sndNxt = 0;
      else this.ackPending = true;
      this.transmit(false);
      return;
    }
    if ((seg.flags & TcpFlag.ACK) === 0) return;
    const ackOff = this.sndUna + ((seg.ack - this.wire(this.sndUna)) | 0);
    if (!this.established) {
      if (ackOff < 1 || ackOff > this.sndMax) {
        this.events.emit({ seq: seg.ack, ack: 0, flags: TcpFlag.RST, window: 0 });
        return;
      }
      this.established = true;
    }
    if (ackOff > this.sndMax) {
      this.sendAck(); // acknowledges something we never sent
      return;
    }
    if (ackOff > this.sndUna) {
      this.acknowledge(ackOff);
    } else if (
      ackOff === this.sndUna &&
      seg.payload.length === 0 &&
      (seg.flags & TcpFlag.FIN) === 0 &&
      seg.window === this.sndWnd &&
      this.sndMax > this.sndUna &&
      ++this.dupAcks === 3
    ) {
      this.retransmit(true);
    }
    if (ackOff === this.sndUna && this.sndWnd === 0 && seg.window > 0) {
      this.sndNxt = this.sndUna; // the window reopened: resend from the probe byte on
    }
    if (ackOff >= this.sndUna) this.sndWnd = seg.window;
    const needAck = this.acceptData(seg);
    this.app(this);
    this.transmit(needAck);
    this.checkFinished();
  }

  private onReset(seg: TcpSegment): void {
    if (seg.seq === this.rcvNxt) return this.finish('reset by peer');
    const d = (seg.seq - this.rcvNxt) | 0;
    if (d > 0 && d < this.window()) this.sendAck(); // in window but not exact: challenge ACK
  }

  private acknowledge(ackOff: number): void {
    const upto = Math.min(ackOff, this.dataEnd());
    if (upto > this.sendBufStart) {
      this.sendBuf = this.sendBuf.subarray(upto - this.sendBufStart);
      this.sendBufStart = upto;
    }
    this.sndUna = ackOff;
    if (this.sndNxt < ackOff) this.sndNxt = ackOff;
    this.retries = 0;
    this.dupAcks = 0;
    this.cancelTimer(); // restarted by transmit() if anything is still outstanding
  }

  /** Takes in-order data and FIN; returns whether the segment deserves an ACK. */
  private acceptData(seg: TcpSegment): boolean {
    const fin = (seg.flags & TcpFlag.FIN) !== 0;
    const length = seg.payload.length;
    if (length === 0 && !fin) return false;
    const d = (seg.seq - this.rcvNxt) | 0;
    if (d > 0) return true; // a gap: the duplicate ACK asks for what is missing
    const skip = -d;
    if (skip > length || (skip === length && !fin)) return true; // old news
    const fresh = seg.payload.subarray(skip);
    const take = Math.min(fresh.length, this.recvBuf.length - this.recvLen);
    this.recvBuf.set(fresh.subarray(0, take), this.recvLen);
    this.recvLen += take;
    this.rcvNxt = (this.rcvNxt + take) >>> 0;
    if (fin && take === fresh.length && !this.peerFin) {
      this.peerFin = true;
      this.rcvNxt = (this.rcvNxt + 1) >>> 0;
    }
    return true;
  }

  private transmit(forceAck: boolean): void {
    if (this.isClosed) return;
    let sent = false;
    if (this.sndNxt === 0) {
      this.emit(0, TcpFlag.SYN | TcpFlag.ACK, undefined, this.limits.maxSegment);
      this.sndNxt = 1;
      sent = true;
    }
    if (this.established) {
      const end = this.dataEnd();
      while (this.sndNxt < end) {
        let room = this.sndUna + this.sndWnd - this.sndNxt;
        if (room <= 0) {
          if (!this.singleSegment) break;
          room = 1; // zero-window probe
        }
        const length = Math.min(this.sendMss, end - this.sndNxt, room);
        const from = this.sndNxt - this.sendBufStart;
        const last = this.sndNxt + length === end;
        const flags = TcpFlag.ACK | (last ? TcpFlag.PSH : 0);
        this.emit(this.sndNxt, flags, this.sendBuf.slice(from, from + length));
        this.sndNxt += length;
        sent = true;
        if (this.singleSegment) break;
      }
      if (this.finQueued && this.sndNxt === end) {
        this.emit(end, TcpFlag.FIN | TcpFlag.ACK);
        this.sndNxt = end + 1;
        sent = true;
      }
    }
    this.sndMax = Math.max(this.sndMax, this.sndNxt);
    if (!sent && (forceAck || this.ackPending)) this.sendAck();
    this.ackPending = false;
    this.updateTimer();
  }

  private sendAck(): void {
    this.emit(this.sndNxt, TcpFlag.ACK);
  }

  private emit(offset: number, flags: number, payload?: Uint8Array, mss?: number): void {
    this.events.emit({
      seq: this.wire(offset),
      ack: this.rcvNxt,
      flags,
      window: this.window(),
      ...(payload ? { payload } : {}),
      ...(mss !== undefined ? { mss } : {}),
    });
  }

  private window(): number {
    return Math.min(0xffff, this.recvBuf.length - this.recvLen);
  }

  private wire(offset: number): number {
    return (this.iss + offset) >>> 0;
  }

  private dataEnd(): number {
    return this.sendBufStart + this.sendBuf.length;
  }

  private finAcked(): boolean {
    return this.finQueued && this.sndUna === this.dataEnd() + 1;
  }

  private checkFinished(): void {
    if (this.finAcked() && this.peerFin) this.finish('closed');
  }

  /**
   * Resends the oldest unacknowledged segment. After a timeout everything after it is resent too
   * as ACKs come back (go-back-N); a fast retransmit (duplicate ACKs) only fills the hole.
   */
  private retransmit(fast: boolean): void {
    const next = this.sndNxt;
    this.sndNxt = this.sndUna;
    this.events.retransmitted?.();
    this.singleSegment = true;
    this.transmit(false);
    this.singleSegment = false;
    if (fast) this.sndNxt = Math.max(this.sndNxt, next);
  }

  private updateTimer(): void {
    const outstanding = this.sndMax > this.sndUna || this.sndNxt < this.dataEnd();
    const lingering = this.finAcked() && !this.peerFin;
    if (!outstanding && !lingering) return this.cancelTimer();
    if (this.timer) return;
    const rto = Math.min(this.limits.initialRtoMs * 2 ** this.retries, this.limits.maxRtoMs);
    this.timer = this.scheduler.schedule(lingering ? this.limits.finWait2TimeoutMs : rto, () => {
      this.timer = undefined;
      try {
        this.onTimer();
      } catch {
        this.finish('internal error'); // a timer callback must never throw into the event loop
      }
    });
  }

  private onTimer(): void {
    if (this.isClosed) return;
    if (this.finAcked()) return this.abort('the peer never closed its side');
    if (++this.retries > this.limits.maxRetransmissions)
      return this.abort('retransmission limit reached');
    this.retransmit(false);
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = undefined;
  }

  private finish(reason: string): void {
    this.isClosed = true;
    this.cancelTimer();
    this.events.closed(reason);
  }
}
