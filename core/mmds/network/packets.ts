/**
 * Reading and writing the few protocol data units the MMDS stack speaks: Ethernet II, ARP for
 * IPv4 over Ethernet (RFC 826), IPv4 without options or fragments (RFC 791) and TCP (RFC 9293).
 * Parsers return a reason string for anything malformed instead of throwing: guest frames are
 * hostile input.
 */
import { finishChecksum, internetChecksum, pseudoHeaderSum, sumWords } from './checksum';

export const ETH_HEADER = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ARP_PACKET = 28;
export const IPV4_HEADER = 20;
export const TCP_HEADER = 20;
export const IP_PROTO_TCP = 6;

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
} as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: DropReason };

/** Why a frame for the MMDS address was dropped (one counter each). */
export type DropReason = 'malformed' | 'bad_checksum' | 'fragment' | 'not_tcp' | 'bad_flags';

export function ethertype(frame: Uint8Array): number {
  return frame.length < ETH_HEADER ? -1 : (frame[12]! << 8) | frame[13]!;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 8) & 0xff;
  bytes[at + 1] = value & 0xff;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  writeU16(bytes, at, value >>> 16);
  writeU16(bytes, at + 2, value & 0xffff);
}

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

export function ipv4ToString(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.');
}

/** "169.254.169.254" → 0xa9fea9fe; undefined if it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

// ---- ARP ----

export interface ArpRequest {
  senderMac: Uint8Array;
  senderIp: number;
  targetIp: number;
}

/** An ARP request (Ethernet/IPv4, opcode 1); anything else is malformed for our purposes. */
export function parseArpRequest(frame: Uint8Array): Parsed<ArpRequest> {
  const a = ETH_HEADER;
  if (frame.length < a + ARP_PACKET) return { ok: false, reason: 'malformed' };
  const valid =
    readU16(frame, a) === 1 &&
    readU16(frame, a + 2) === ETHERTYPE_IPV4 &&
    frame[a + 4] === 6 &&
    frame[a + 5] === 4 &&
    readU16(frame, a + 6) === 1;
  if (!valid) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    value: {
      senderMac: frame.slice(a + 8, a + 14),
      senderIp: readU32(frame, a + 14),
      targetIp: readU32(frame, a + 24),
    },
  };
}

export function arpTargetIp(frame: Uint8Array): number | undefined {
  return frame.length < ETH_HEADER + ARP_PACKET ? undefined : readU32(frame, ETH_HEADER + 24);
}

export function buildArpReply(ourMac: Uint8Array, ourIp: number, request: ArpRequest): Uint8Array {
  const f = new Uint8Array(ETH_HEADER + ARP_PACKET);
  f.set(request.senderMac, 0);
  f.set(ourMac, 6);
  writeU16(f, 12, ETHERTYPE_ARP);
  const a = ETH_HEADER;
  writeU16(f, a, 1);
  writeU16(f, a + 2, ETHERTYPE_IPV4);
  f[a + 4] = 6;
  f[a + 5] = 4;
  writeU16(f, a + 6, 2);
  f.set(ourMac, a + 8);
  writeU32(f, a + 14, ourIp);
  f.set(request.senderMac, a + 18);
  writeU32(f, a + 24, request.senderIp);
  return f;
}

// ---- IPv4 ----

export interface Ipv4Packet {
  src: number;
  dst: number;
  protocol: number;
  /** The payload (the IP total length is authoritative; Ethernet padding is cut off). */
  payload: Uint8Array;
}

export function ipv4Destination(frame: Uint8Array): number | undefined {
  return frame.length < ETH_HEADER + IPV4_HEADER ? undefined : readU32(frame, ETH_HEADER + 16);
}

export function parseIpv4Packet(frame: Uint8Array): Parsed<Ipv4Packet> {
  const h = ETH_HEADER;
  if (frame.length < h + IPV4_HEADER) return { ok: false, reason: 'malformed' };
  const version = frame[h]! >>> 4;
  const headerBytes = (frame[h]! & 0x0f) * 4;
  const total = readU16(frame, h + 2);
  if (
    version !== 4 ||
    headerBytes < IPV4_HEADER ||
    total < headerBytes ||
    h + total > frame.length
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (internetChecksum(frame, h, h + headerBytes) !== 0)
    return { ok: false, reason: 'bad_checksum' };
  const flagsFragment = readU16(frame, h + 6);
  // More-fragments set or a non-zero offset: we do not reassemble, so neither part is usable.
  if ((flagsFragment & 0x2000) !== 0 || (flagsFragment & 0x1fff) !== 0)
    return { ok: false, reason: 'fragment' };
  return {
    ok: true,
    value: {
      src: readU32(frame, h + 12),
      dst: readU32(frame, h + 16),
      protocol: frame[h + 9]!,
      payload: frame.subarray(h + headerBytes, h + total),
    },
  };
}

// ---- TCP ----

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** The MSS option, when present (only meaningful on a SYN). */
  mss?: number;
  payload: Uint8Array;
}

/** Parses and verifies (checksum over the pseudo-header) the TCP segment of an IPv4 packet. */
export function parseTcpSegment(packet: Ipv4Packet): Parsed<TcpSegment> {
  const s = packet.payload;
  if (s.length < TCP_HEADER) return { ok: false, reason: 'malformed' };
  const headerBytes = (s[12]! >>> 4) * 4;
  if (headerBytes < TCP_HEADER || headerBytes > s.length) return { ok: false, reason: 'malformed' };
  const sum = sumWords(
    s,
    0,
    s.length,
    pseudoHeaderSum(packet.src, packet.dst, IP_PROTO_TCP, s.length),
  );
  if (finishChecksum(sum) !== 0) return { ok: false, reason: 'bad_checksum' };
  const mss = readMssOption(s, TCP_HEADER, headerBytes);
  if (mss === null) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    value: {
      srcPort: readU16(s, 0),
      dstPort: readU16(s, 2),
      seq: readU32(s, 4),
      ack: readU32(s, 8),
      flags: s[13]! & 0x3f,
      window: readU16(s, 14),
      ...(mss !== undefined ? { mss } : {}),
      payload: s.subarray(headerBytes),
    },
  };
}

/** The MSS option's value, undefined when absent, null when the option list is malformed. */
function readMssOption(s: Uint8Array, start: number, end: number): number | undefined | null {
  let mss: number | undefined;
  for (let i = start; i < end;) {
    const kind = s[i]!;
    if (kind === 0) break; // end of option list
    if (kind === 1) {
      i++; // no-operation
      continue;
    }
    const length = i + 1 < end ? s[i + 1]! : 0;
    if (length < 2 || i + length > end) return null;
    if (kind === 2) {
      if (length !== 4) return null;
      mss = readU16(s, i + 2);
    }
    i += length;
  }
  return mss;
}

export interface TcpFrameAddress {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
}

export interface OutgoingSegment {
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Adds the MSS option (on SYN-ACKs). */
  mss?: number;
  payload?: Uint8Array;
}

/** A complete Ethernet frame carrying one TCP segment, checksums filled in. */
export function buildTcpFrame(
  to: TcpFrameAddress,
  segment: OutgoingSegment,
  ipId: number,
): Uint8Array {
  const optionBytes = segment.mss !== undefined ? 4 : 0;
  const payload = segment.payload ?? new Uint8Array(0);
  const tcpLength = TCP_HEADER + optionBytes + payload.length;
  const f = new Uint8Array(ETH_HEADER + IPV4_HEADER + tcpLength);
  f.set(to.dstMac, 0);
  f.set(to.srcMac, 6);
  writeU16(f, 12, ETHERTYPE_IPV4);
  const ip = ETH_HEADER;
  f[ip] = 0x45;
  writeU16(f, ip + 2, IPV4_HEADER + tcpLength);
  writeU16(f, ip + 4, ipId & 0xffff);
  writeU16(f, ip + 6, 0x4000); // don't fragment
  f[ip + 8] = 64;
  f[ip + 9] = IP_PROTO_TCP;
  writeU32(f, ip + 12, to.srcIp);
  writeU32(f, ip + 16, to.dstIp);
  writeU16(f, ip + 10, internetChecksum(f, ip, ip + IPV4_HEADER));
  const t = ip + IPV4_HEADER;
  writeU16(f, t, to.srcPort);
  writeU16(f, t + 2, to.dstPort);
  writeU32(f, t + 4, segment.seq >>> 0);
  writeU32(f, t + 8, segment.ack >>> 0);
  f[t + 12] = ((TCP_HEADER + optionBytes) / 4) << 4;
  f[t + 13] = segment.flags;
  writeU16(f, t + 14, segment.window);
  if (segment.mss !== undefined) {
    f[t + 20] = 2;
    f[t + 21] = 4;
    writeU16(f, t + 22, segment.mss);
  }
  f.set(payload, t + TCP_HEADER + optionBytes);
  const sum = sumWords(
    f,
    t,
    f.length,
    pseudoHeaderSum(to.srcIp, to.dstIp, IP_PROTO_TCP, tcpLength),
  );
  writeU16(f, t + 16, finishChecksum(sum));
  return f;
}
