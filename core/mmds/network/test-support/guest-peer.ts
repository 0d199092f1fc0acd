/**
 * The guest's side of the wire, for tests: builds the frames a guest would send to the MMDS and
 * reads the frames it gets back. `GuestTcp` is a scripted TCP client (no timers of its own).
 */
import {
  ETH_HEADER,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  TcpFlag,
  buildTcpFrame,
  parseIpv4Packet,
  parseTcpSegment,
  type OutgoingSegment,
  type TcpSegment,
} from '../packets';
import { MMDS_MAC } from '../mmds-net-stack';

export const GUEST_MAC = Uint8Array.of(0x06, 0, 0xac, 0x10, 0, 2);
export const GUEST_IP = 0xa9fe0002; // 169.254.0.2
export const MMDS_IP = 0xa9fea9fe; // 169.254.169.254

export function arpRequest(targetIp: number, senderIp = GUEST_IP, mac = GUEST_MAC): Uint8Array {
  const f = new Uint8Array(ETH_HEADER + 28);
  f.fill(0xff, 0, 6);
  f.set(mac, 6);
  const v = new DataView(f.buffer);
  v.setUint16(12, ETHERTYPE_ARP);
  v.setUint16(14, 1);
  v.setUint16(16, ETHERTYPE_IPV4);
  f[18] = 6;
  f[19] = 4;
  v.setUint16(20, 1);
  f.set(mac, 22);
  v.setUint32(28, senderIp);
  v.setUint32(38, targetIp);
  return f;
}

/** A TCP frame from the guest to the MMDS (or `dstIp`). */
export function guestSegment(
  srcPort: number,
  segment: OutgoingSegment,
  options: { dstPort?: number; dstIp?: number; srcIp?: number } = {},
): Uint8Array {
  return buildTcpFrame(
    {
      srcMac: GUEST_MAC,
      dstMac: MMDS_MAC,
      srcIp: options.srcIp ?? GUEST_IP,
      dstIp: options.dstIp ?? MMDS_IP,
      srcPort,
      dstPort: options.dstPort ?? 80,
    },
    segment,
    1,
  );
}

/** The TCP segment in a frame the MMDS sent (throws if it is not one: tests want to know). */
export function segmentOf(frame: Uint8Array): TcpSegment {
  const ip = parseIpv4Packet(frame);
  if (!ip.ok) throw new Error(`not an IPv4 frame: ${ip.reason}`);
  const tcp = parseTcpSegment(ip.value);
  if (!tcp.ok) throw new Error(`not a TCP segment: ${tcp.reason}`);
  return tcp.value;
}

/**
 * A minimal guest TCP client. `send` hands frames to the MMDS; frames the MMDS sends are given to
 * `receive`, which acknowledges in-order data (`autoAck`) and collects it.
 */
export class GuestTcp {
  seq: number;
  ack = 0;
  window = 65535;
  autoAck = true;
  data = new Uint8Array(0);
  finReceived = false;
  resetReceived = false;
  readonly segments: TcpSegment[] = [];

  constructor(
    readonly port: number,
    private readonly sendFrame: (frame: Uint8Array) => void,
    isn = 1000,
    private readonly dstIp = MMDS_IP,
  ) {
    this.seq = isn;
  }

  /** SYN; the SYN-ACK must come back through `receive` before `completeHandshake`. */
  connect(mss?: number): void {
    this.segment(TcpFlag.SYN, undefined, mss);
    this.seq = (this.seq + 1) >>> 0;
  }

  segment(flags: number, payload?: Uint8Array, mss?: number, seq = this.seq): void {
    this.sendFrame(
      guestSegment(
        this.port,
        {
          seq,
          ack: this.ack,
          flags,
          window: this.window,
          ...(payload ? { payload } : {}),
          ...(mss !== undefined ? { mss } : {}),
        },
        { dstIp: this.dstIp },
      ),
    );
  }

  /** Sends bytes in segments of at most `chunk` bytes. */
  write(text: string | Uint8Array, chunk = 1460): void {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.subarray(at, at + chunk);
      this.segment(TcpFlag.ACK | TcpFlag.PSH, part);
      this.seq = (this.seq + part.length) >>> 0;
    }
  }

  fin(): void {
    this.segment(TcpFlag.FIN | TcpFlag.ACK);
    this.seq = (this.seq + 1) >>> 0;
  }

  receive(frame: Uint8Array): void {
    const s = segmentOf(frame);
    this.segments.push(s);
    if (s.flags & TcpFlag.RST) {
      this.resetReceived = true;
      return;
    }
    if (s.flags & TcpFlag.SYN) {
      this.ack = (s.seq + 1) >>> 0;
      this.segment(TcpFlag.ACK);
      return;
    }
    const inOrder = s.seq === this.ack;
    if (inOrder && s.payload.length > 0) {
      const next = new Uint8Array(this.data.length + s.payload.length);
      next.set(this.data);
      next.set(s.payload, this.data.length);
      this.data = next;
      this.ack = (this.ack + s.payload.length) >>> 0;
    }
    if (inOrder && s.flags & TcpFlag.FIN) {
      this.finReceived = true;
      this.ack = (this.ack + 1) >>> 0;
    }
    if (this.autoAck && (s.payload.length > 0 || s.flags & TcpFlag.FIN)) this.segment(TcpFlag.ACK);
  }

  text(): string {
    return new TextDecoder().decode(this.data);
  }
}

/** Frames travel only when `pump` is called, so neither side is re-entered while sending. */
export class Wire {
  readonly toGuest: Uint8Array[] = [];
  private readonly clients = new Map<number, GuestTcp>();
  readonly other: Uint8Array[] = [];

  constructor(private readonly toMmds: (frame: Uint8Array) => void) {}

  client(port: number, isn = 1000): GuestTcp {
    const c = new GuestTcp(port, (f) => this.toMmds(f), isn);
    this.clients.set(port, c);
    return c;
  }

  deliver = (frame: Uint8Array): boolean => {
    this.toGuest.push(frame);
    return true;
  };

  /** Hands every queued MMDS frame to the client it is for (others land in `other`). */
  pump(): void {
    for (let frame = this.toGuest.shift(); frame; frame = this.toGuest.shift()) {
      const isTcp = frame[12] === 0x08 && frame[13] === 0x00;
      const client = isTcp ? this.clients.get(segmentOf(frame).dstPort) : undefined;
      if (client) client.receive(frame);
      else this.other.push(frame);
    }
  }
}
