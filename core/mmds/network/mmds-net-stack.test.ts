import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../time/manual-clock';
import { MmdsStore } from '../store';
import { MmdsNetwork } from './mmds-network';
import { MMDS_MAC, type MmdsNetStack } from './mmds-net-stack';
import { ETH_HEADER, TcpFlag, parseArpRequest } from './packets';
import {
  GUEST_MAC,
  MMDS_IP,
  Wire,
  arpRequest,
  guestSegment,
  segmentOf,
} from './test-support/guest-peer';

function setup(version: 'V1' | 'V2' = 'V1', maxConnections?: number) {
  const clock = new ManualClock();
  const store = new MmdsStore();
  store.put({ latest: { 'meta-data': { 'ami-id': 'ami-12345678', big: 'x'.repeat(5000) } } });
  let seed = 7;
  const network = new MmdsNetwork({
    store,
    config: { version, network_interfaces: ['eth0'] },
    clock,
    scheduler: clock,
    random: (buf) => buf.forEach((_, i) => (buf[i] = seed = (seed * 73 + 11) & 0xff)),
    ...(maxConnections ? { stack: { maxConnections } } : {}),
  });
  let stack!: MmdsNetStack;
  const passed: Uint8Array[] = [];
  const wire = new Wire((frame) => {
    if (!stack.handleGuestFrame(frame)) passed.push(frame);
  });
  // Attach to a stand-in device: only `receive` and `txInterceptor` are used.
  const device = { receive: wire.deliver, txInterceptor: undefined };
  stack = network.attach('eth0', device);
  return { clock, store, stack, wire, passed, device };
}

/** One HTTP exchange on a fresh connection; returns the response text. */
function exchange(wire: Wire, port: number, request: string, chunk?: number): string {
  const c = wire.client(port);
  c.connect(1460);
  wire.pump();
  c.write(request, chunk);
  wire.pump();
  return c.text();
}

describe('MMDS network stack', () => {
  it('answers ARP requests for its address with its MAC, to the asker', () => {
    const { stack, wire, passed } = setup();
    expect(stack.handleGuestFrame(arpRequest(MMDS_IP))).toBe(true);
    const reply = wire.toGuest.shift()!;
    expect(reply.subarray(0, 6)).toEqual(GUEST_MAC);
    expect(reply.subarray(6, 12)).toEqual(MMDS_MAC);
    expect(reply[21]).toBe(2); // opcode: reply
    expect(reply.subarray(22, 28)).toEqual(MMDS_MAC); // sender hardware address
    expect(reply.subarray(28, 32)).toEqual(Uint8Array.of(169, 254, 169, 254));
    expect(reply.subarray(32, 38)).toEqual(GUEST_MAC);
    expect(reply.subarray(38, 42)).toEqual(Uint8Array.of(169, 254, 0, 2));
    expect(parseArpRequest(reply).ok).toBe(false); // a reply, not a request
    expect(stack.metrics.arp_replies).toBe(1);
    expect(passed).toHaveLength(0);
  });

  it('passes frames not for its address through untouched', () => {
    const { stack, wire } = setup();
    const frames = [
      arpRequest(0xa9fe0001),
      guestSegment(
        4000,
        { seq: 1, ack: 0, flags: TcpFlag.SYN, window: 100 },
        { dstIp: 0x0a000001 },
      ),
      Uint8Array.of(1, 2, 3),
    ];
    const copies = frames.map((f) => f.slice());
    frames.forEach((f) => expect(stack.handleGuestFrame(f)).toBe(false));
    expect(frames).toEqual(copies);
    expect(wire.toGuest).toHaveLength(0);
    expect(stack.metrics.frames_handled).toBe(0);
  });

  it('serves a V1 GET over a TCP handshake, request split across segments', () => {
    const { wire, stack } = setup();
    const c = wire.client(40000);
    c.connect(1460);
    wire.pump();
    expect(c.segments[0]!.flags).toBe(TcpFlag.SYN | TcpFlag.ACK);
    expect(c.segments[0]!.mss).toBe(1460);
    c.write(
      'GET /latest/meta-data/ami-id HTTP/1.1\r\nHost: 169.254.169.254\r\nAccept: */*\r\n\r\n',
      7,
    );
    wire.pump();
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(c.text()).toContain('Content-Length: 12\r\n');
    expect(c.text().endsWith('\r\n\r\nami-12345678')).toBe(true);
    expect(stack.metrics.http_requests).toBe(1);
    // Keep-alive: a second request on the same connection, then the guest closes.
    c.write('GET /latest/meta-data/ HTTP/1.1\r\n\r\n');
    wire.pump();
    expect(c.text().endsWith('ami-id\nbig')).toBe(true);
    c.fin();
    wire.pump();
    expect(c.finReceived).toBe(true);
    expect(stack.connectionCount).toBe(0);
  });

  it('sends a large response in MSS-sized segments within the guest window', () => {
    const { wire } = setup();
    const c = wire.client(40001);
    c.connect(536);
    wire.pump();
    c.write('GET /latest/meta-data/big HTTP/1.0\r\n\r\n');
    wire.pump();
    expect(c.text().endsWith('x'.repeat(5000))).toBe(true);
    expect(c.text()).toContain('Connection: close');
    const data = c.segments.filter((s) => s.payload.length > 0);
    expect(Math.max(...data.map((s) => s.payload.length))).toBe(536);
    expect(c.finReceived).toBe(true); // HTTP/1.0 without keep-alive: the MMDS closes
  });

  it('runs the V2 flow: PUT a token, GET with it; GET without one is 401', () => {
    const { wire } = setup('V2');
    expect(exchange(wire, 41000, 'GET /latest/meta-data/ami-id HTTP/1.1\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 401 Unauthorized/,
    );
    const put = exchange(
      wire,
      41001,
      'PUT /latest/api/token HTTP/1.1\r\nX-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\n\r\n',
    );
    expect(put).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(put).toContain('x-metadata-token-ttl-seconds: 60\r\n');
    const token = put.split('\r\n\r\n')[1]!;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const get = exchange(
      wire,
      41002,
      `GET /latest/meta-data/ami-id HTTP/1.1\r\nX-metadata-token: ${token}\r\n\r\n`,
    );
    expect(get).toMatch(/^HTTP\/1\.1 200 OK[^]*\r\n\r\nami-12345678$/);
  });

  it('sees store updates made after boot at once', () => {
    const { wire, store } = setup();
    store.patch({ latest: { 'meta-data': { 'ami-id': 'ami-changed' } } });
    expect(exchange(wire, 42000, 'GET /latest/meta-data/ami-id HTTP/1.1\r\n\r\n')).toMatch(
      /ami-changed$/,
    );
  });

  it('answers garbage with 400 and closes', () => {
    const { wire, stack } = setup();
    const c = wire.client(43000);
    c.connect();
    wire.pump();
    c.write('HELLO THERE\r\n\r\n');
    wire.pump();
    expect(c.text()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(c.finReceived).toBe(true);
    expect(stack.metrics.http_bad_requests).toBe(1);
  });

  it('answers a request larger than its buffer with 400', () => {
    const { wire } = setup();
    const c = wire.client(43001);
    c.connect();
    wire.pump();
    c.write(`GET /${'a'.repeat(9000)}`);
    wire.pump();
    expect(c.text()).toMatch(/^HTTP\/1\.1 400 Bad Request[^]*Request too large\.$/);
  });

  it('drops and counts malformed frames for its address, never throwing', () => {
    const { stack, wire } = setup();
    const syn = guestSegment(44000, { seq: 5, ack: 0, flags: TcpFlag.SYN, window: 1000 });
    const badIpSum = syn.slice();
    badIpSum[ETH_HEADER + 10]! ^= 0xff;
    const badTcpSum = syn.slice();
    badTcpSum[ETH_HEADER + 20 + 16]! ^= 0x10;
    const truncated = syn.slice(0, syn.length - 4);
    const fragment = withIpFlags(syn, 0x2000);
    const laterFragment = withIpFlags(syn, 0x0010);
    const udp = syn.slice();
    udp[ETH_HEADER + 9] = 17;
    fixIpChecksum(udp);
    const synFin = guestSegment(44001, {
      seq: 5,
      ack: 0,
      flags: TcpFlag.SYN | TcpFlag.FIN,
      window: 1000,
    });
    const noFlags = guestSegment(44002, { seq: 5, ack: 0, flags: 0, window: 1000 });
    const urgent = guestSegment(44003, {
      seq: 5,
      ack: 0,
      flags: TcpFlag.ACK | TcpFlag.URG,
      window: 1000,
    });
    const badOptions = guestSegment(44004, {
      seq: 5,
      ack: 0,
      flags: TcpFlag.SYN,
      window: 1000,
      mss: 1460,
    });
    badOptions[ETH_HEADER + 20 + 21] = 9; // MSS option length runs past the header
    fixTcpChecksum(badOptions);
    const shortArp = arpRequest(MMDS_IP).slice(0, ETH_HEADER + 28);
    shortArp[ETH_HEADER + 7] = 9; // unknown ARP opcode
    for (const f of [
      badIpSum,
      badTcpSum,
      truncated,
      fragment,
      laterFragment,
      udp,
      synFin,
      noFlags,
      urgent,
      badOptions,
      shortArp,
    ])
      expect(stack.handleGuestFrame(f)).toBe(true);
    expect(wire.toGuest).toHaveLength(0);
    expect(stack.connectionCount).toBe(0);
    expect(stack.metrics).toMatchObject({
      frames_handled: 11,
      dropped_bad_checksum: 2,
      dropped_malformed: 3,
      dropped_fragment: 2,
      dropped_not_tcp: 1,
      dropped_bad_flags: 3,
      internal_errors: 0,
    });
  });

  it('resets segments for unknown connections and other ports, never a RST', () => {
    const { stack, wire } = setup();
    stack.handleGuestFrame(
      guestSegment(45000, { seq: 9, ack: 1234, flags: TcpFlag.ACK, window: 10 }),
    );
    stack.handleGuestFrame(
      guestSegment(45001, { seq: 9, ack: 0, flags: TcpFlag.SYN, window: 10 }, { dstPort: 22 }),
    );
    stack.handleGuestFrame(guestSegment(45002, { seq: 9, ack: 0, flags: TcpFlag.RST, window: 10 }));
    const [a, b] = wire.toGuest.map(segmentOf);
    expect(wire.toGuest).toHaveLength(2);
    expect(a).toMatchObject({ flags: TcpFlag.RST, seq: 1234 });
    expect(b).toMatchObject({ flags: TcpFlag.RST | TcpFlag.ACK, seq: 0, ack: 10, srcPort: 22 });
    expect(stack.metrics.resets_sent).toBe(2);
  });

  it('keeps at most maxConnections, evicting the least recently active one', () => {
    const { stack, wire } = setup('V1', 3);
    const clients = [0, 1, 2, 3].map((i) => wire.client(46000 + i));
    clients.slice(0, 3).forEach((c) => c.connect());
    wire.pump();
    clients[0]!.write('GET /latest'); // partial request: 0 becomes the most recently active
    wire.pump();
    clients[3]!.connect();
    wire.pump();
    expect(stack.connectionCount).toBe(3);
    expect(stack.metrics.connections_evicted).toBe(1);
    expect(clients[1]!.resetReceived).toBe(true);
    expect(clients[0]!.resetReceived).toBe(false);
    clients[3]!.write('GET /latest/meta-data/ami-id HTTP/1.1\r\n\r\n');
    wire.pump();
    expect(clients[3]!.text()).toMatch(/ami-12345678$/);
  });

  it('survives random and mutated frames for its address without throwing', () => {
    const { stack, wire } = setup();
    const c = wire.client(47000);
    c.connect();
    wire.pump();
    const valid = guestSegment(47000, {
      seq: c.seq,
      ack: c.ack,
      flags: TcpFlag.ACK | TcpFlag.PSH,
      window: 1000,
      payload: new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'),
    });
    const arbitraryFrame = fc.oneof(
      // Random bytes made to look like IPv4 or ARP for the MMDS address.
      fc.uint8Array({ minLength: 42, maxLength: 120 }).map((f) => {
        const arp = f[0]! & 1;
        f.set(arp ? [0x08, 0x06] : [0x08, 0x00], 12);
        f.set([169, 254, 169, 254], arp ? 38 : 30);
        return f;
      }),
      // A valid segment with a few bytes changed or cut short (checksums then mostly fail).
      fc
        .tuple(
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 3 }),
          fc.nat(valid.length),
        )
        .map(([edits, cut]) => {
          const f = valid.slice(0, Math.max(34, cut));
          for (const [at, v] of edits) if (at >= 34 && at < f.length) f[at] = v;
          return f;
        }),
    );
    fc.assert(
      fc.property(arbitraryFrame, (frame) => {
        expect(stack.handleGuestFrame(frame)).toBe(true);
      }),
      { numRuns: 500 },
    );
    wire.toGuest.length = 0;
    expect(stack.metrics.internal_errors).toBe(0);
    expect(stack.connectionCount).toBeLessThanOrEqual(30);
  });
});

function withIpFlags(frame: Uint8Array, flags: number): Uint8Array {
  const f = frame.slice();
  f[ETH_HEADER + 6] = flags >> 8;
  f[ETH_HEADER + 7] = flags & 0xff;
  fixIpChecksum(f);
  return f;
}

function fixIpChecksum(f: Uint8Array): void {
  f[ETH_HEADER + 10] = 0;
  f[ETH_HEADER + 11] = 0;
  const sum = checksum(f.subarray(ETH_HEADER, ETH_HEADER + 20), 0);
  f[ETH_HEADER + 10] = sum >> 8;
  f[ETH_HEADER + 11] = sum & 0xff;
}

function fixTcpChecksum(f: Uint8Array): void {
  const t = ETH_HEADER + 20;
  f[t + 16] = 0;
  f[t + 17] = 0;
  const length = f.length - t;
  const pseudo = new Uint8Array(12);
  pseudo.set(f.subarray(ETH_HEADER + 12, ETH_HEADER + 20));
  pseudo[9] = 6;
  pseudo[10] = length >> 8;
  pseudo[11] = length & 0xff;
  const joined = new Uint8Array(12 + length);
  joined.set(pseudo);
  joined.set(f.subarray(t), 12);
  const sum = checksum(joined, 0);
  f[t + 16] = sum >> 8;
  f[t + 17] = sum & 0xff;
}

/** An independent RFC 1071 checksum for the tests (not the one under test). */
function checksum(bytes: Uint8Array, initial: number): number {
  let sum = initial;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}
