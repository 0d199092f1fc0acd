import { describe, it, expect } from 'vitest';
import { internetChecksum } from './checksum';
import { buildTcpFrame, parseIpv4, parseIpv4Packet, parseTcpSegment, TcpFlag } from './packets';

describe('MMDS packet helpers', () => {
  it('computes the RFC 1071 example checksum', () => {
    // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement 220d).
    const bytes = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(internetChecksum(bytes, 0, bytes.length)).toBe(0x220d);
    expect(internetChecksum(Uint8Array.of(0xff), 0, 1)).toBe(0x00ff); // odd length: padded
  });

  it('parses dotted quads strictly', () => {
    expect(parseIpv4('169.254.169.254')).toBe(0xa9fea9fe);
    expect(parseIpv4('169.254.169')).toBeUndefined();
    expect(parseIpv4('169.254.169.256')).toBeUndefined();
  });

  it('builds TCP frames that parse back, padding ignored', () => {
    const frame = buildTcpFrame(
      {
        srcMac: new Uint8Array(6),
        dstMac: new Uint8Array(6),
        srcIp: 0x0a000001,
        dstIp: 0x0a000002,
        srcPort: 80,
        dstPort: 5555,
      },
      {
        seq: 0xffffffff,
        ack: 7,
        flags: TcpFlag.SYN | TcpFlag.ACK,
        window: 512,
        mss: 1400,
        payload: Uint8Array.of(1, 2, 3),
      },
      9,
    );
    const padded = new Uint8Array(frame.length + 6);
    padded.set(frame);
    const ip = parseIpv4Packet(padded);
    if (!ip.ok) throw new Error(ip.reason);
    expect(ip.value).toMatchObject({ src: 0x0a000001, dst: 0x0a000002, protocol: 6 });
    const tcp = parseTcpSegment(ip.value);
    expect(tcp).toEqual({
      ok: true,
      value: {
        srcPort: 80,
        dstPort: 5555,
        seq: 0xffffffff,
        ack: 7,
        flags: TcpFlag.SYN | TcpFlag.ACK,
        window: 512,
        mss: 1400,
        payload: Uint8Array.of(1, 2, 3),
      },
    });
  });
});
