import { describe, it, expect } from 'vitest';
import { I8042 } from './i8042';

function setup() {
  const levels: boolean[] = [];
  let resets = 0;
  const dev = new I8042({
    interrupt: { setLevel: (l) => levels.push(l) },
    onReset: () => resets++,
  });
  const rd = (off: number) => {
    const d = new Uint8Array(1);
    dev.read(off, d);
    return d[0]!;
  };
  const wr = (off: number, v: number) => dev.write(off, Uint8Array.of(v));
  return { dev, rd, wr, levels, resets: () => resets };
}

describe('I8042', () => {
  it('reports the keyboard enabled and nothing to read at power-on', () => {
    const { rd } = setup();
    expect(rd(4)).toBe(0x10);
    expect(rd(0)).toBe(0);
  });

  it('calls onReset on command 0xFE', () => {
    const t = setup();
    t.wr(4, 0xfe);
    expect(t.resets()).toBe(1);
    expect(t.dev.metrics.reset_count.count()).toBe(1);
  });

  it('reads and writes the control register and output port through command + parameter', () => {
    const { rd, wr } = setup();
    wr(4, 0x20);
    expect(rd(4) & 0x01).toBe(1);
    expect(rd(0)).toBe(0x05);
    expect(rd(4) & 0x01).toBe(0);
    wr(4, 0x60);
    expect(rd(4) & 0x08).toBe(0x08);
    wr(0, 0x44);
    expect(rd(4) & 0x08).toBe(0);
    wr(4, 0x20);
    expect(rd(0)).toBe(0x44);
    wr(4, 0xd1);
    wr(0, 0x03);
    wr(4, 0xd0);
    expect(rd(0)).toBe(0x03);
  });

  it('acknowledges keyboard commands with 0xFA and an interrupt', () => {
    const { rd, wr, levels } = setup();
    wr(0, 0xff);
    expect(levels.at(-1)).toBe(true);
    expect(rd(0)).toBe(0xfa);
    expect(levels.at(-1)).toBe(false);
  });

  it('injects Ctrl-Alt-Del as scancode set 2 with one interrupt edge per byte', () => {
    const { dev, rd, levels } = setup();
    expect(dev.sendCtrlAltDel()).toBe(true);
    const bytes: number[] = [];
    let edges = levels.filter((l) => l).length;
    while (rd(4) & 0x01) bytes.push(rd(0));
    expect(bytes).toEqual([0x14, 0x11, 0xe0, 0x71]);
    edges = levels.filter((l) => l).length - edges;
    expect(edges).toBe(3); // re-raised after each of the first three reads
    expect(levels.at(-1)).toBe(false);
  });

  it('refuses Ctrl-Alt-Del when the buffer is full, and raises no interrupt when disabled', () => {
    const t = setup();
    for (let i = 0; i < 4; i++) expect(t.dev.sendCtrlAltDel()).toBe(true);
    expect(t.dev.sendCtrlAltDel()).toBe(false);
    const u = setup();
    u.wr(4, 0x60);
    u.wr(0, 0x04); // interrupts off
    u.dev.sendCtrlAltDel();
    expect(u.levels.includes(true)).toBe(false);
    expect(u.rd(4) & 0x01).toBe(1);
  });

  it('counts bad accesses and restores its state', () => {
    const a = setup();
    a.dev.read(1, new Uint8Array(1));
    a.dev.write(0, new Uint8Array(2));
    expect(a.dev.metrics.missed_read_count.count()).toBe(1);
    expect(a.dev.metrics.missed_write_count.count()).toBe(1);
    a.dev.sendCtrlAltDel();
    const b = setup();
    b.dev.restore(JSON.parse(JSON.stringify(a.dev.save())));
    expect(b.levels.at(-1)).toBe(true);
    expect([b.rd(0), b.rd(0), b.rd(0), b.rd(0)]).toEqual([0x14, 0x11, 0xe0, 0x71]);
  });
});
