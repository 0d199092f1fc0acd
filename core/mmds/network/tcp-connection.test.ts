import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../time/manual-clock';
import { TcpFlag, type OutgoingSegment, type TcpSegment } from './packets';
import {
  DEFAULT_TCP_LIMITS,
  TcpServerConnection,
  type TcpApplication,
  type TcpStream,
} from './tcp-connection';

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;
const ISS = 0xfffffff0; // close to the wrap, so sequence arithmetic is exercised
const IRS = 5000;

/** An echo-less test app: records what arrived, writes what the test queues, closes on demand. */
function harness(
  options: { window?: number; mss?: number; receiveBuffer?: number; app?: TcpApplication } = {},
) {
  const clock = new ManualClock();
  const out: OutgoingSegment[] = [];
  const closed: string[] = [];
  const app = { toWrite: [] as Uint8Array[], closeAfter: false, got: '' };
  const conn = new TcpServerConnection(
    seg({
      seq: IRS,
      flags: SYN,
      window: options.window ?? 8192,
      ...(options.mss ? { mss: options.mss } : {}),
    }),
    ISS,
    options.app ??
      ((s: TcpStream) => {
        app.got += new TextDecoder().decode(s.received);
        s.consume(s.received.length);
        for (const b of app.toWrite.splice(0)) s.write(b);
        if (app.closeAfter || s.peerClosed) s.close();
      }),
    { emit: (s) => out.push(s), closed: (r) => closed.push(r) },
    clock,
    {
      ...DEFAULT_TCP_LIMITS,
      ...(options.receiveBuffer ? { receiveBuffer: options.receiveBuffer } : {}),
    },
  );
  const take = () => out.splice(0);
  const send = (s: Partial<TcpSegment>) =>
    conn.onSegment(
      seg({ seq: IRS + 1, ack: (ISS + 1) >>> 0, flags: ACK, window: options.window ?? 8192, ...s }),
    );
  return { clock, conn, out, take, send, app, closed };
}

function seg(s: Partial<TcpSegment>): TcpSegment {
  return {
    srcPort: 1234,
    dstPort: 80,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 8192,
    payload: new Uint8Array(0),
    ...s,
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const at = (offset: number) => (ISS + offset) >>> 0;

describe('TCP server connection', () => {
  it('answers SYN with SYN-ACK (MSS option) and resends it when the SYN comes again or on timeout', () => {
    const { take, conn, clock } = harness();
    expect(take()).toEqual([{ seq: ISS, ack: IRS + 1, flags: SYN | ACK, window: 8192, mss: 1460 }]);
    conn.onSegment(seg({ seq: IRS, flags: SYN }));
    expect(take().map((s) => s.flags)).toEqual([SYN | ACK]);
    clock.advance(250);
    expect(take().map((s) => s.flags)).toEqual([SYN | ACK]);
  });

  it('refuses a handshake ACK for something it never sent with a RST', () => {
    const { take, send } = harness();
    take();
    send({ ack: at(7) });
    expect(take()).toEqual([{ seq: at(7), ack: 0, flags: RST, window: 0 }]);
  });

  it('reassembles in-order data, drops gaps and overlaps only the new part', () => {
    const { take, send, app } = harness();
    take();
    send({ payload: bytes('GET ') });
    expect(take().at(-1)).toMatchObject({ flags: ACK, ack: IRS + 5 });
    send({ seq: IRS + 9, payload: bytes('HTTP') }); // gap: duplicate ACK, data dropped
    expect(take()).toMatchObject([{ flags: ACK, ack: IRS + 5 }]);
    send({ seq: IRS + 4, payload: bytes(' /x ') }); // overlaps one old byte
    expect(take()).toMatchObject([{ ack: IRS + 8 }]);
    expect(app.got).toBe('GET /x ');
  });

  it('respects the peer window and MSS, retransmits on timeout with backoff, then on 3 duplicate ACKs', () => {
    const { take, send, app, clock } = harness({ window: 1000, mss: 400 });
    take();
    app.toWrite.push(new Uint8Array(2000).fill(0x61));
    send({ payload: bytes('x') });
    const first = take();
    expect(first.map((s) => s.payload?.length)).toEqual([400, 400, 200]);
    expect(first.map((s) => s.seq)).toEqual([at(1), at(401), at(801)]);
    clock.advance(249);
    expect(take()).toHaveLength(0);
    clock.advance(1);
    expect(take()).toMatchObject([{ seq: at(1), payload: { length: 400 } }]); // head only
    clock.advance(499);
    expect(take()).toHaveLength(0); // backoff: 500 ms now
    clock.advance(1);
    expect(take()).toMatchObject([{ seq: at(1) }]);
    send({ seq: IRS + 2, ack: at(401) }); // first segment arrived; window 1000 from there
    expect(take().map((s) => s.seq)).toEqual([at(401), at(801), at(1201)]);
    for (let i = 0; i < 3; i++) send({ seq: IRS + 2, ack: at(401) });
    expect(take()).toMatchObject([{ seq: at(401), payload: { length: 400 } }]);
    send({ seq: IRS + 2, ack: at(1401) });
    expect(take().map((s) => [s.seq, s.payload?.length])).toEqual([
      [at(1401), 400],
      [at(1801), 200],
    ]);
    send({ seq: IRS + 2, ack: at(2001) });
    expect(take()).toHaveLength(0); // everything acknowledged, nothing outstanding
    expect(clockPending(clock)).toBe(0);
  });

  it('probes a zero window and resumes when it opens', () => {
    const { take, send, app, clock } = harness({ window: 0 });
    take();
    app.toWrite.push(bytes('hello'));
    send({ payload: bytes('x'), window: 0 });
    expect(take()).toMatchObject([{ flags: ACK, ack: IRS + 2 }]); // just the ACK: no room for data
    clock.advance(250);
    expect(take()).toMatchObject([{ seq: at(1), payload: bytes('h') }]);
    send({ seq: IRS + 2, ack: at(1), window: 100 });
    expect(take()).toMatchObject([{ seq: at(1), payload: bytes('hello'), flags: ACK | PSH }]);
  });

  it('closes after FIN both ways and gives up on a peer that stops answering', () => {
    const a = harness();
    a.take();
    a.send({ flags: FIN | ACK });
    expect(a.take()).toMatchObject([{ flags: FIN | ACK, seq: at(1), ack: IRS + 2 }]);
    a.send({ seq: IRS + 2, ack: at(2) });
    expect(a.closed).toEqual(['closed']);

    const b = harness();
    b.take();
    b.app.toWrite.push(bytes('bye'));
    b.app.closeAfter = true;
    b.send({ payload: bytes('q') });
    expect(b.take().map((s) => s.flags)).toEqual([ACK | PSH, FIN | ACK]);
    b.send({ seq: IRS + 2, ack: at(5) }); // FIN acknowledged; the peer never sends its own
    b.clock.advance(10_000);
    expect(b.take()).toMatchObject([{ flags: RST | ACK }]);
    expect(b.closed).toEqual(['the peer never closed its side']);

    const c = harness();
    c.take();
    c.app.toWrite.push(bytes('lost'));
    c.send({ payload: bytes('q') });
    c.clock.advance(60_000);
    expect(c.closed).toEqual(['retransmission limit reached']);
    expect(c.take().filter((s) => s.payload).length).toBe(9); // first send + 8 retransmissions
  });

  it('accepts a RST only at the exact sequence number (RFC 5961)', () => {
    const { take, send, conn, closed } = harness();
    take();
    send({});
    send({ seq: IRS + 100, flags: RST });
    expect(take()).toMatchObject([{ flags: ACK }]); // challenge ACK
    expect(conn.closed).toBe(false);
    send({ seq: IRS + 100000, flags: RST });
    expect(take()).toHaveLength(0);
    send({ seq: IRS + 1, flags: RST });
    expect(closed).toEqual(['reset by peer']);
  });

  it('advertises the room left in its buffer and refuses what does not fit', () => {
    // An application that reads nothing.
    const { take, send, conn } = harness({ receiveBuffer: 16, app: () => undefined });
    take();
    send({ payload: bytes('0123456789abcdefXYZ') });
    expect(take()).toMatchObject([{ ack: IRS + 17, window: 0 }]);
    expect(new TextDecoder().decode(conn.received)).toBe('0123456789abcdef');
  });
});

function clockPending(clock: ManualClock): number {
  return clock.pendingCount();
}
