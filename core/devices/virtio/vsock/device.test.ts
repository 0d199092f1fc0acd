import { describe, it, expect } from 'vitest';
import { VsockTestGuest } from '../../../test-support/vsock-guest';
import { RecordingLine } from '../../../test-support/test-memory';
import { VirtioMmioTransport } from '../../../virtio/mmio-transport';
import type { VsockStream } from './connection';
import { HOST_BUF_ALLOC, MAX_CONNECTIONS, VsockDevice } from './device';
import { HOST_CID, Shutdown, VsockOp } from './packet';
import { restoreVsock, saveVsock } from './persist';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

describe('virtio-vsock', () => {
  it('exposes the guest CID in config', () => {
    const g = new VsockTestGuest(42);
    expect(new DataView(g.driver.readConfig(0, 8).buffer).getBigUint64(0, true)).toBe(42n);
  });

  it('guest connects to a host listener and both sides echo', () => {
    const g = new VsockTestGuest();
    g.postRx(8);
    const got: string[] = [];
    let stream: VsockStream | undefined;
    g.device.listen(1234, (s) => {
      stream = s;
      s.onData = (d) => {
        got.push(str(d));
        s.send(d); // echo
      };
    });
    g.send({ op: VsockOp.REQUEST, srcPort: 5000, dstPort: 1234 });
    const [resp] = g.received();
    expect(resp?.header).toMatchObject({
      op: VsockOp.RESPONSE,
      srcCid: HOST_CID,
      dstCid: 3,
      srcPort: 1234,
      dstPort: 5000,
      bufAlloc: HOST_BUF_ALLOC,
      fwdCnt: 0,
    });
    expect(stream?.state).toBe('open');
    g.send({ op: VsockOp.RW, srcPort: 5000, dstPort: 1234 }, text('hello'));
    expect(got).toEqual(['hello']);
    const [echo] = g.received();
    expect(echo?.header).toMatchObject({ op: VsockOp.RW, len: 5, fwdCnt: 5 });
    expect(str(echo!.payload)).toBe('hello');
    expect(g.device.metrics.tx_bytes_count).toBe(5);
    expect(g.device.metrics.rx_bytes_count).toBe(5);
  });

  it('host connects to a guest port; guest echoes back', () => {
    const g = new VsockTestGuest();
    g.postRx(8);
    const s = g.device.connect(52);
    let opened = false;
    const got: string[] = [];
    s.onOpen = () => (opened = true);
    s.onData = (d) => got.push(str(d));
    const [req] = g.received();
    expect(req?.header).toMatchObject({ op: VsockOp.REQUEST, dstPort: 52 });
    const hostPort = req!.header.srcPort;
    expect(s.state).toBe('connecting');
    s.send(text('queued before open'));
    expect(g.received()).toEqual([]); // data waits for RESPONSE
    g.send({ op: VsockOp.RESPONSE, srcPort: 52, dstPort: hostPort });
    expect(opened).toBe(true);
    const [data] = g.received();
    expect(str(data!.payload)).toBe('queued before open');
    g.send({ op: VsockOp.RW, srcPort: 52, dstPort: hostPort, fwdCnt: 18 }, data!.payload);
    expect(got).toEqual(['queued before open']);
  });

  it('respects guest credit, asks for more when stalled, and answers credit requests', () => {
    const g = new VsockTestGuest();
    g.postRx(16);
    let stream: VsockStream | undefined;
    g.device.listen(7, (s) => (stream = s));
    g.send({ op: VsockOp.REQUEST, srcPort: 9, dstPort: 7, bufAlloc: 100 });
    g.received();
    stream!.send(new Uint8Array(250).fill(1));
    const first = g.received();
    expect(first.map((p) => [p.header.op, p.header.len])).toEqual([
      [VsockOp.RW, 100],
      [VsockOp.CREDIT_REQUEST, 0],
    ]);
    g.send({ op: VsockOp.CREDIT_UPDATE, srcPort: 9, dstPort: 7, bufAlloc: 100, fwdCnt: 60 });
    expect(g.received().map((p) => p.header.len)).toEqual([60, 0]);
    g.send({ op: VsockOp.CREDIT_UPDATE, srcPort: 9, dstPort: 7, bufAlloc: 1000, fwdCnt: 160 });
    expect(g.received().map((p) => p.header.len)).toEqual([90]);
    // Guest → host: fwd_cnt reports what the host consumed.
    g.send(
      { op: VsockOp.RW, srcPort: 9, dstPort: 7, bufAlloc: 1000, fwdCnt: 250 },
      new Uint8Array(33),
    );
    g.send({ op: VsockOp.CREDIT_REQUEST, srcPort: 9, dstPort: 7, bufAlloc: 1000, fwdCnt: 250 });
    const [update] = g.received();
    expect(update?.header).toMatchObject({
      op: VsockOp.CREDIT_UPDATE,
      fwdCnt: 33,
      bufAlloc: HOST_BUF_ALLOC,
    });
  });

  it('sends RST for unknown ports and types, drops spoofed CIDs', () => {
    const g = new VsockTestGuest();
    g.postRx(8);
    g.send({ op: VsockOp.REQUEST, srcPort: 1, dstPort: 999 });
    g.send({ op: VsockOp.RW, srcPort: 1, dstPort: 999 }, text('x'));
    g.send({ op: VsockOp.REQUEST, srcPort: 1, dstPort: 999, type: 2 });
    g.send({ op: VsockOp.REQUEST, srcPort: 1, dstPort: 999, srcCid: 77 });
    expect(g.received().map((p) => [p.header.op, p.header.dstPort])).toEqual([
      [VsockOp.RST, 1],
      [VsockOp.RST, 1],
      [VsockOp.RST, 1],
    ]);
    expect(g.device.metrics.tx_malformed_packets).toBe(2);
  });

  it('refuses guest connections beyond the connection limit', () => {
    const g = new VsockTestGuest();
    g.device.listen(7, () => undefined);
    for (let port = 0; port <= MAX_CONNECTIONS; port++) {
      g.send({ op: VsockOp.REQUEST, srcPort: port, dstPort: 7 });
    }
    expect(g.device.connectionCount).toBe(MAX_CONNECTIONS);
    g.postRx(4);
    const [first] = g.received();
    expect(first?.header).toMatchObject({ op: VsockOp.RST, dstPort: MAX_CONNECTIONS });
  });

  it('closes from either side with SHUTDOWN then RST', () => {
    const g = new VsockTestGuest();
    g.postRx(8);
    const streams: VsockStream[] = [];
    let closed = 0;
    g.device.listen(7, (s) => {
      streams.push(s);
      s.onClose = () => closed++;
    });
    g.send({ op: VsockOp.REQUEST, srcPort: 1, dstPort: 7 });
    g.send({ op: VsockOp.REQUEST, srcPort: 2, dstPort: 7 });
    g.received();
    streams[0]!.close();
    const [shut] = g.received();
    expect(shut?.header).toMatchObject({ op: VsockOp.SHUTDOWN, flags: 3, dstPort: 1 });
    g.send({ op: VsockOp.RST, srcPort: 1, dstPort: 7 });
    expect(streams[0]!.state).toBe('closed');
    g.send({ op: VsockOp.SHUTDOWN, srcPort: 2, dstPort: 7, flags: Shutdown.RCV | Shutdown.SEND });
    expect(g.received().map((p) => [p.header.op, p.header.dstPort])).toEqual([[VsockOp.RST, 2]]);
    expect(closed).toBe(2);
    expect(g.device.connectionCount).toBe(0);
  });

  it('restores bit-identically and tells the guest its connections are gone', () => {
    const g = new VsockTestGuest();
    g.postRx(4);
    const saved = JSON.parse(JSON.stringify(saveVsock(g.device, g.transport)));
    const device = new VsockDevice({ guestCid: 3 });
    const transport = new VirtioMmioTransport(device, g.memory, new RecordingLine());
    restoreVsock(device, transport, saved);
    expect(saveVsock(device, transport)).toEqual(saved);
    Object.assign(g.driver, { transport });
    const ev = g.driver.submit(2, [{ writable: 4 }]);
    g.driver.notify(2);
    expect(g.driver.collectUsed(2)).toEqual([{ id: ev.head, len: 4 }]);
    expect(g.driver.readBuffer(ev.buffers[0]!)).toEqual(new Uint8Array(4));
  });
});
