import { ChainCursor } from '../../../virtio/chain-cursor';
import { DeviceType } from '../../../virtio/constants';
import {
  readConfigBytes,
  type VirtioDevice,
  type VirtioDeviceContext,
} from '../../../virtio/device';
import { Connection, type VsockStream } from './connection';
import { vsockMetrics } from './metrics';
import {
  decodeHeader,
  encodeHeader,
  HOST_CID,
  Shutdown,
  VSOCK_EVENT_TRANSPORT_RESET,
  VSOCK_HDR_BYTES,
  VSOCK_TYPE_STREAM,
  type VsockHeader,
  VsockOp,
} from './packet';

const RX = 0;
const TX = 1;
const EVENT = 2;
export const VSOCK_QUEUE_SIZE = 256;
/** Receive buffer we advertise per connection (host side consumes immediately). */
export const HOST_BUF_ALLOC = 256 * 1024;
/** Largest payload we accept in one guest packet, and put in one packet for the guest. */
const MAX_PAYLOAD = 64 * 1024;
/** RSTs waiting for rx buffers; beyond this, hostile guests lose them. */
const MAX_PENDING_RESETS = 1024;
const EPHEMERAL_FIRST = 49152;
/** Guest-initiated connections beyond this are refused with RST (bounds host memory). */
export const MAX_CONNECTIONS = 1024;

export interface VsockDeviceOptions {
  /** Guest CID (≥ 3). */
  readonly guestCid: number;
}

/**
 * virtio-vsock (5.10) with stream sockets between the guest and host-side code: the host listens
 * (`listen`) for guest connections and connects (`connect`) to guest ports. Credit-based flow
 * control both ways; a misbehaving guest gets RSTs, never an exception.
 */
export class VsockDevice implements VirtioDevice {
  readonly deviceType = DeviceType.VSOCK;
  readonly queueMaxSizes = [VSOCK_QUEUE_SIZE, VSOCK_QUEUE_SIZE, VSOCK_QUEUE_SIZE];
  readonly deviceFeatures = 0n; // VIRTIO_VSOCK_F_STREAM is implied when SEQPACKET is not offered
  readonly metrics = vsockMetrics();
  readonly commonMetrics = this.metrics;
  readonly guestCid: number;
  private readonly config = new Uint8Array(8);
  private ctx: VirtioDeviceContext | undefined;
  private readonly listeners = new Map<number, (stream: VsockStream) => void>();
  private readonly connections = new Map<string, Connection>();
  /** Connections with something to send to the guest. */
  private readonly active = new Set<Connection>();
  private readonly resets: VsockHeader[] = [];
  private nextEphemeral = EPHEMERAL_FIRST;
  private transportResetPending = false;

  constructor(options: VsockDeviceOptions) {
    if (
      !Number.isSafeInteger(options.guestCid) ||
      options.guestCid < 3 ||
      options.guestCid >= 2 ** 32
    ) {
      throw new RangeError(`bad guest CID ${options.guestCid}`);
    }
    this.guestCid = options.guestCid;
    new DataView(this.config.buffer).setUint32(0, options.guestCid, true);
  }

  /** Accept guest connections to host `port`. Returns a function that stops listening. */
  listen(port: number, onConnection: (stream: VsockStream) => void): () => void {
    this.listeners.set(port >>> 0, onConnection);
    return () => this.listeners.delete(port >>> 0);
  }

  /** Open a stream to guest `port`; it becomes 'open' (onOpen) when the guest accepts. */
  connect(port: number): VsockStream {
    let hostPort = this.nextEphemeral;
    while (this.listeners.has(hostPort) || this.connections.has(key(hostPort, port >>> 0)))
      hostPort++;
    this.nextEphemeral = hostPort + 1 >= 2 ** 32 ? EPHEMERAL_FIRST : hostPort + 1;
    const conn = this.addConnection(hostPort, port >>> 0, 'connecting');
    conn.controlOps.add(VsockOp.REQUEST);
    this.wake(conn);
    return conn;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  readConfig(offset: number, data: Uint8Array): void {
    if (!readConfigBytes(this.config, offset, data)) this.metrics.cfg_fails++;
  }
  writeConfig(): void {
    this.metrics.cfg_fails++;
  }

  activate(context: VirtioDeviceContext): void {
    this.ctx = context;
  }

  /** After a snapshot restore: connections are gone; tell the guest (TRANSPORT_RESET event). */
  signalTransportReset(): void {
    this.transportResetPending = true;
    this.guard(() => this.flushEvents());
  }

  reset(): void {
    this.ctx = undefined;
    for (const c of [...this.connections.values()]) this.remove(c, false);
    this.resets.length = 0;
    this.transportResetPending = false;
  }

  processQueue(index: number): void {
    if (index === TX) this.handleTx();
    if (index === EVENT) this.flushEvents();
    this.flushRx();
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx?.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private addConnection(
    hostPort: number,
    guestPort: number,
    state: 'connecting' | 'open',
  ): Connection {
    const conn = new Connection(hostPort, guestPort, state, (c) => this.wake(c));
    this.connections.set(key(hostPort, guestPort), conn);
    this.metrics.conns_added++;
    return conn;
  }

  private wake(conn: Connection): void {
    this.active.add(conn);
    if (this.ctx) this.guard(() => this.flushRx());
  }

  private remove(conn: Connection, notify = true): void {
    if (conn.state === 'closed') return;
    conn.state = 'closed';
    this.connections.delete(key(conn.hostPort, conn.guestPort));
    this.active.delete(conn);
    this.metrics.conns_removed++;
    if (notify) conn.onClose?.();
  }

  /** Drop a connection and tell the guest with RST. */
  private kill(conn: Connection): void {
    this.metrics.conns_killed++;
    this.queueReset(conn.hostPort, conn.guestPort);
    this.remove(conn);
  }

  private queueReset(hostPort: number, guestPort: number): void {
    if (this.resets.length >= MAX_PENDING_RESETS) {
      this.metrics.rx_dropped_packets++;
      return;
    }
    this.resets.push(this.header(hostPort, guestPort, VsockOp.RST, 0, 0, undefined));
  }

  private header(
    hostPort: number,
    guestPort: number,
    op: number,
    len: number,
    flags: number,
    conn: Connection | undefined,
  ): VsockHeader {
    if (conn) conn.reportedFwdCnt = conn.fwdCnt;
    return {
      srcCid: HOST_CID,
      dstCid: this.guestCid,
      srcPort: hostPort,
      dstPort: guestPort,
      len,
      type: VSOCK_TYPE_STREAM,
      op,
      flags,
      bufAlloc: conn ? HOST_BUF_ALLOC : 0,
      fwdCnt: conn ? conn.fwdCnt : 0,
    };
  }

  // ---- guest → host ------------------------------------------------------------------------

  private handleTx(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[TX];
    if (!ctx || !queue) return;
    let any = false;
    for (let chain = queue.pop(ctx.memory); chain; chain = queue.pop(ctx.memory)) {
      any = true;
      const cursor = new ChainCursor(ctx.memory, chain.readable, chain.readableBytes);
      const raw = new Uint8Array(VSOCK_HDR_BYTES);
      if (cursor.read(raw) === VSOCK_HDR_BYTES) {
        const h = decodeHeader(raw);
        if (h.len <= MAX_PAYLOAD && h.len <= cursor.remaining && h.srcCid === this.guestCid) {
          const payload = new Uint8Array(h.len);
          cursor.read(payload);
          this.metrics.tx_packets_count++;
          this.onGuestPacket(h, payload);
        } else {
          this.metrics.tx_malformed_packets++;
        }
      } else {
        this.metrics.tx_malformed_packets++;
      }
      queue.addUsed(ctx.memory, chain.head, 0);
    }
    if (any) ctx.signalUsed(TX);
  }

  private onGuestPacket(h: VsockHeader, payload: Uint8Array): void {
    if (h.dstCid !== HOST_CID || h.type !== VSOCK_TYPE_STREAM) {
      this.metrics.tx_malformed_packets++;
      if (h.op !== VsockOp.RST) this.queueReset(h.dstPort, h.srcPort);
      return;
    }
    const conn = this.connections.get(key(h.dstPort, h.srcPort));
    if (!conn) {
      this.onPacketWithoutConnection(h);
      return;
    }
    conn.peerBufAlloc = h.bufAlloc;
    conn.peerFwdCnt = h.fwdCnt;
    if (conn.peerCredit > 0) conn.controlOps.delete(VsockOp.CREDIT_REQUEST); // stall is over
    switch (h.op) {
      case VsockOp.RESPONSE:
        if (conn.state !== 'connecting') return this.kill(conn);
        conn.state = 'open';
        conn.onOpen?.();
        break;
      case VsockOp.RW:
        if (conn.state !== 'open' && conn.state !== 'closing') return this.kill(conn);
        conn.fwdCnt = (conn.fwdCnt + payload.length) >>> 0;
        this.metrics.tx_bytes_count += payload.length;
        if (payload.length > 0) conn.onData?.(payload);
        if ((conn.fwdCnt - conn.reportedFwdCnt) >>> 0 >= HOST_BUF_ALLOC / 2) {
          conn.controlOps.add(VsockOp.CREDIT_UPDATE);
        }
        break;
      case VsockOp.CREDIT_REQUEST:
        conn.controlOps.add(VsockOp.CREDIT_UPDATE);
        break;
      case VsockOp.CREDIT_UPDATE:
        break;
      case VsockOp.SHUTDOWN:
        if ((h.flags & (Shutdown.RCV | Shutdown.SEND)) === (Shutdown.RCV | Shutdown.SEND)) {
          this.queueReset(conn.hostPort, conn.guestPort);
          this.remove(conn);
          return;
        }
        break;
      case VsockOp.RST:
        this.remove(conn);
        return;
      default:
        return this.kill(conn);
    }
    if (conn.state !== 'closed') this.active.add(conn);
  }

  private onPacketWithoutConnection(h: VsockHeader): void {
    if (h.op === VsockOp.RST) return;
    const accept = h.op === VsockOp.REQUEST ? this.listeners.get(h.dstPort) : undefined;
    if (!accept || this.connections.size >= MAX_CONNECTIONS) {
      this.queueReset(h.dstPort, h.srcPort);
      return;
    }
    const conn = this.addConnection(h.dstPort, h.srcPort, 'open');
    conn.peerBufAlloc = h.bufAlloc;
    conn.peerFwdCnt = h.fwdCnt;
    conn.controlOps.add(VsockOp.RESPONSE);
    this.active.add(conn);
    try {
      accept(conn);
    } catch {
      this.kill(conn);
    }
  }

  // ---- host → guest ------------------------------------------------------------------------

  /** Fill guest rx buffers with pending packets (control first, then data as credit allows). */
  private flushRx(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[RX];
    if (!ctx || !queue?.ready) return;
    let any = false;
    for (;;) {
      if (this.resets.length === 0 && this.active.size === 0) break;
      const chain = queue.pop(ctx.memory);
      if (!chain) break;
      const room = chain.writableBytes - VSOCK_HDR_BYTES;
      if (room < 0) {
        // Too small for any packet: return it empty rather than stall the ring.
        queue.addUsed(ctx.memory, chain.head, 0);
        any = true;
        continue;
      }
      const packet = this.nextPacket(Math.min(room, MAX_PAYLOAD));
      if (!packet) {
        queue.undoPop();
        break;
      }
      const out = new ChainCursor(ctx.memory, chain.writable, chain.writableBytes);
      out.write(encodeHeader(packet.header));
      out.write(packet.payload);
      queue.addUsed(ctx.memory, chain.head, VSOCK_HDR_BYTES + packet.payload.length);
      this.metrics.rx_packets_count++;
      this.metrics.rx_bytes_count += packet.payload.length;
      any = true;
    }
    if (any) ctx.signalUsed(RX);
  }

  private nextPacket(maxPayload: number): { header: VsockHeader; payload: Uint8Array } | undefined {
    const reset = this.resets.shift();
    if (reset) return { header: reset, payload: new Uint8Array(0) };
    for (const conn of this.active) {
      const packet = this.packetFor(conn, maxPayload);
      if (packet) return packet;
      this.active.delete(conn);
    }
    return undefined;
  }

  private packetFor(
    c: Connection,
    maxPayload: number,
  ): { header: VsockHeader; payload: Uint8Array } | undefined {
    const empty = new Uint8Array(0);
    for (const op of [VsockOp.REQUEST, VsockOp.RESPONSE, VsockOp.CREDIT_UPDATE]) {
      if (c.controlOps.delete(op)) {
        return { header: this.header(c.hostPort, c.guestPort, op, 0, 0, c), payload: empty };
      }
    }
    if (c.state !== 'open') return undefined;
    const n = Math.min(maxPayload, c.peerCredit, c.pendingBytes);
    if (n > 0) {
      const payload = c.takePending(n);
      return { header: this.header(c.hostPort, c.guestPort, VsockOp.RW, n, 0, c), payload };
    }
    if (c.pendingBytes > 0 && c.peerCredit === 0 && !c.controlOps.has(VsockOp.CREDIT_REQUEST)) {
      c.controlOps.add(VsockOp.CREDIT_REQUEST); // ask once per stall
      return {
        header: this.header(c.hostPort, c.guestPort, VsockOp.CREDIT_REQUEST, 0, 0, c),
        payload: empty,
      };
    }
    if (c.closeRequested && c.pendingBytes === 0) {
      c.state = 'closing';
      const flags = Shutdown.RCV | Shutdown.SEND;
      return {
        header: this.header(c.hostPort, c.guestPort, VsockOp.SHUTDOWN, 0, flags, c),
        payload: empty,
      };
    }
    return undefined;
  }

  private flushEvents(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[EVENT];
    if (!ctx || !queue?.ready || !this.transportResetPending) return;
    const chain = queue.pop(ctx.memory);
    if (!chain) return;
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, VSOCK_EVENT_TRANSPORT_RESET, true);
    const n = new ChainCursor(ctx.memory, chain.writable, chain.writableBytes).write(id);
    queue.addUsed(ctx.memory, chain.head, n);
    this.transportResetPending = false;
    ctx.signalUsed(EVENT);
  }
}

function key(hostPort: number, guestPort: number): string {
  return `${hostPort}:${guestPort}`;
}
