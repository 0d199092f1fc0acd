/**
 * The MMDS's own tiny network stack on one guest interface (Firecracker's "Dumbo"): it owns an
 * IPv4 address (169.254.169.254 by default) and a MAC, answers ARP requests for that address and
 * serves HTTP on TCP port 80 of it. `handleGuestFrame` is called with every frame the guest
 * transmits; frames for the MMDS address are consumed (answered, or dropped and counted), all
 * others are left to the interface's backend. Replies go to the guest through `deliver`.
 */
import type { Scheduler } from '../../time/clock';
import type { MmdsRequest, MmdsResponse } from '../imds';
import { httpEndpoint } from './http-endpoint';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  IP_PROTO_TCP,
  TcpFlag,
  arpTargetIp,
  buildArpReply,
  buildTcpFrame,
  ethertype,
  ipv4Destination,
  parseArpRequest,
  parseIpv4Packet,
  parseTcpSegment,
  type DropReason,
  type OutgoingSegment,
  type TcpFrameAddress,
  type TcpSegment,
} from './packets';
import { DEFAULT_TCP_LIMITS, TcpServerConnection, type TcpLimits } from './tcp-connection';

/** Firecracker's MMDS MAC address (locally administered). */
export const MMDS_MAC = Uint8Array.of(0x06, 0x01, 0x23, 0x45, 0x67, 0x01);
export const MMDS_TCP_PORT = 80;
export const DEFAULT_MAX_MMDS_CONNECTIONS = 30;

export interface MmdsNetStackOptions {
  /** The MMDS IPv4 address as a 32-bit number. */
  address: number;
  mac?: Uint8Array;
  serve: (request: MmdsRequest) => MmdsResponse;
  /** Hands a frame to the guest (the net device's receive path); false means it was dropped. */
  deliver: (frame: Uint8Array) => boolean | void;
  scheduler: Scheduler;
  random: (buf: Uint8Array) => void;
  maxConnections?: number;
  tcp?: Partial<TcpLimits>;
}

/** A type alias (not an interface) so it is a metrics group's `MetricValues`. */
export type MmdsNetMetrics = {
  frames_handled: number;
  arp_replies: number;
  dropped_malformed: number;
  dropped_bad_checksum: number;
  dropped_fragment: number;
  dropped_not_tcp: number;
  dropped_bad_flags: number;
  connections_opened: number;
  connections_evicted: number;
  resets_sent: number;
  retransmissions: number;
  http_requests: number;
  http_bad_requests: number;
  frames_sent: number;
  /** Replies the guest's receive path refused (no room); TCP retransmits, ARP is retried. */
  frames_undelivered: number;
  internal_errors: number;
};

function newMetrics(): MmdsNetMetrics {
  return {
    frames_handled: 0,
    arp_replies: 0,
    dropped_malformed: 0,
    dropped_bad_checksum: 0,
    dropped_fragment: 0,
    dropped_not_tcp: 0,
    dropped_bad_flags: 0,
    connections_opened: 0,
    connections_evicted: 0,
    resets_sent: 0,
    retransmissions: 0,
    http_requests: 0,
    http_bad_requests: 0,
    frames_sent: 0,
    frames_undelivered: 0,
    internal_errors: 0,
  };
}

export class MmdsNetStack {
  readonly metrics = newMetrics();
  readonly mac: Uint8Array;
  private readonly address: number;
  private readonly limits: TcpLimits;
  private readonly maxConnections: number;
  /** Keyed by guest "ip:port"; Map order is least recently active first. */
  private readonly connections = new Map<string, TcpServerConnection>();
  private ipId = 0;

  constructor(private readonly options: MmdsNetStackOptions) {
    this.address = options.address >>> 0;
    this.mac = Uint8Array.from(options.mac ?? MMDS_MAC);
    this.limits = { ...DEFAULT_TCP_LIMITS, ...options.tcp };
    this.maxConnections = Math.max(1, options.maxConnections ?? DEFAULT_MAX_MMDS_CONNECTIONS);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Takes a frame the guest sent; true when it was for the MMDS. Never throws. */
  handleGuestFrame(frame: Uint8Array): boolean {
    const type = ethertype(frame);
    const forUs =
      (type === ETHERTYPE_ARP && arpTargetIp(frame) === this.address) ||
      (type === ETHERTYPE_IPV4 && ipv4Destination(frame) === this.address);
    if (!forUs) return false;
    this.metrics.frames_handled++;
    try {
      if (type === ETHERTYPE_ARP) this.onArp(frame);
      else this.onIpv4(frame);
    } catch {
      this.metrics.internal_errors++;
    }
    return true;
  }

  /** Resets every connection (the interface or the VM goes away). */
  shutdown(): void {
    for (const connection of [...this.connections.values()]) connection.abort('shutdown');
  }

  private onArp(frame: Uint8Array): void {
    const request = parseArpRequest(frame);
    if (!request.ok) return this.drop(request.reason);
    this.metrics.arp_replies++;
    this.send(buildArpReply(this.mac, this.address, request.value));
  }

  private onIpv4(frame: Uint8Array): void {
    const packet = parseIpv4Packet(frame);
    if (!packet.ok) return this.drop(packet.reason);
    if (packet.value.protocol !== IP_PROTO_TCP) return this.drop('not_tcp');
    const parsed = parseTcpSegment(packet.value);
    if (!parsed.ok) return this.drop(parsed.reason);
    const seg = parsed.value;
    if (!validFlags(seg.flags)) return this.drop('bad_flags');
    const to: TcpFrameAddress = {
      srcMac: this.mac,
      dstMac: frame.slice(6, 12),
      srcIp: this.address,
      dstIp: packet.value.src,
      srcPort: seg.dstPort,
      dstPort: seg.srcPort,
    };
    const key = `${packet.value.src}:${seg.srcPort}`;
    const existing = seg.dstPort === MMDS_TCP_PORT ? this.connections.get(key) : undefined;
    if (existing) {
      this.connections.delete(key); // re-insert: most recently active last
      this.connections.set(key, existing);
      existing.onSegment(seg);
    } else if (
      seg.dstPort === MMDS_TCP_PORT &&
      seg.flags & TcpFlag.SYN &&
      !(seg.flags & TcpFlag.ACK)
    ) {
      this.open(key, to, seg);
    } else {
      this.refuse(to, seg);
    }
  }

  private open(key: string, to: TcpFrameAddress, syn: TcpSegment): void {
    if (this.connections.size >= this.maxConnections) {
      const oldest = this.connections.values().next();
      if (!oldest.done) {
        this.metrics.connections_evicted++;
        oldest.value.abort('evicted for a new connection');
      }
    }
    const iss = new Uint8Array(4);
    this.options.random(iss);
    const connection: TcpServerConnection = new TcpServerConnection(
      syn,
      new DataView(iss.buffer).getUint32(0),
      httpEndpoint(this.options.serve, {
        request: () => this.metrics.http_requests++,
        badRequest: () => this.metrics.http_bad_requests++,
      }),
      {
        emit: (segment) => this.sendSegment(to, segment),
        closed: () => {
          if (this.connections.get(key) === connection) this.connections.delete(key);
        },
        retransmitted: () => this.metrics.retransmissions++,
      },
      this.options.scheduler,
      this.limits,
    );
    this.connections.set(key, connection);
    this.metrics.connections_opened++;
  }

  /** No connection for this segment: answer with a RST (RFC 9293 §3.10.7.1), never to a RST. */
  private refuse(to: TcpFrameAddress, seg: TcpSegment): void {
    if (seg.flags & TcpFlag.RST) return;
    if (seg.flags & TcpFlag.ACK) {
      this.sendSegment(to, { seq: seg.ack, ack: 0, flags: TcpFlag.RST, window: 0 });
      return;
    }
    const length =
      seg.payload.length + (seg.flags & TcpFlag.SYN ? 1 : 0) + (seg.flags & TcpFlag.FIN ? 1 : 0);
    this.sendSegment(to, {
      seq: 0,
      ack: (seg.seq + length) >>> 0,
      flags: TcpFlag.RST | TcpFlag.ACK,
      window: 0,
    });
  }

  private sendSegment(to: TcpFrameAddress, segment: OutgoingSegment): void {
    if (segment.flags & TcpFlag.RST) this.metrics.resets_sent++;
    this.send(buildTcpFrame(to, segment, this.ipId++));
  }

  private send(frame: Uint8Array): void {
    this.metrics.frames_sent++;
    if (this.options.deliver(frame) === false) this.metrics.frames_undelivered++;
  }

  private drop(reason: DropReason): void {
    this.metrics[`dropped_${reason}`]++;
  }
}

/** Combinations no correct peer sends: SYN with FIN or RST, urgent data, or no SYN/RST/ACK at all. */
function validFlags(flags: number): boolean {
  if (flags & TcpFlag.URG) return false;
  if (flags & TcpFlag.SYN && flags & (TcpFlag.FIN | TcpFlag.RST)) return false;
  return (flags & (TcpFlag.SYN | TcpFlag.RST | TcpFlag.ACK)) !== 0;
}
