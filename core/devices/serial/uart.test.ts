import { describe, it, expect } from 'vitest';
import { Uart16550 } from './uart';
import * as R from './registers';

function setup(options: { onInputSpace?: () => void } = {}) {
  const levels: boolean[] = [];
  const out: number[] = [];
  const uart = new Uart16550({
    interrupt: { setLevel: (l) => levels.push(l) },
    output: (bytes) => out.push(...bytes),
    ...options,
  });
  const rd = (off: number) => {
    const d = new Uint8Array(1);
    uart.read(off, d);
    return d[0]!;
  };
  const wr = (off: number, v: number) => uart.write(off, Uint8Array.of(v));
  const irq = () => levels.at(-1) ?? false;
  return { uart, rd, wr, out, levels, irq };
}

describe('Uart16550 registers', () => {
  it('transmits THR bytes to the sink and reports THRE/TEMT', () => {
    const { rd, wr, out, uart } = setup();
    for (const c of 'hi\n') wr(R.REG.DATA, c.charCodeAt(0));
    expect(String.fromCharCode(...out)).toBe('hi\n');
    expect(rd(R.REG.LSR) & 0x61).toBe(R.LSR_THR_EMPTY | R.LSR_TRANSMITTER_EMPTY);
    expect(uart.metrics.write_count.count()).toBe(3);
  });

  it('DLAB switches offsets 0/1 to the divisor latch without touching THR/IER', () => {
    const { rd, wr, out } = setup();
    wr(R.REG.IER, 0x05);
    wr(R.REG.LCR, 0x83);
    wr(R.REG.DATA, 0x01);
    wr(R.REG.IER, 0x02);
    expect(rd(R.REG.DATA)).toBe(0x01);
    expect(rd(R.REG.IER)).toBe(0x02);
    wr(R.REG.LCR, 0x03);
    expect(rd(R.REG.IER)).toBe(0x05);
    expect(rd(R.REG.LCR)).toBe(0x03);
    expect(out).toEqual([]);
  });

  it('keeps the scratch register and masks IER/MCR to their implemented bits', () => {
    const { rd, wr } = setup();
    wr(R.REG.SCR, 0xa5);
    expect(rd(R.REG.SCR)).toBe(0xa5);
    wr(R.REG.IER, 0xff);
    expect(rd(R.REG.IER)).toBe(0x0f);
    wr(R.REG.MCR, 0xff);
    expect(rd(R.REG.MCR)).toBe(0x1f);
  });

  it('passes the Linux 8250 autoconfig probes (IER test, loopback MSR 0x90, 16550A FIFO bits)', () => {
    const { rd, wr } = setup();
    wr(R.REG.IER, 0);
    expect(rd(R.REG.IER) & 0x0f).toBe(0);
    wr(R.REG.IER, 0x0f);
    expect(rd(R.REG.IER) & 0x0f).toBe(0x0f);
    wr(R.REG.IER, 0);
    wr(R.REG.MCR, R.MCR_LOOPBACK | 0x0a);
    expect(rd(R.REG.MSR) & 0xf0).toBe(0x90);
    wr(R.REG.MCR, 0);
    wr(R.REG.IIR_FCR, R.FCR_ENABLE);
    expect(rd(R.REG.IIR_FCR) & 0xc0).toBe(0xc0);
    wr(R.REG.IIR_FCR, 0);
    expect(rd(R.REG.IIR_FCR) & 0xc0).toBe(0);
  });

  it('counts accesses of the wrong size or offset as missed and never throws', () => {
    const { uart } = setup();
    const wide = new Uint8Array(4).fill(0xff);
    uart.read(0, wide);
    expect([...wide]).toEqual([0, 0, 0, 0]);
    uart.write(8, Uint8Array.of(1));
    uart.write(0, new Uint8Array(2));
    expect(uart.metrics.missed_read_count.count()).toBe(1);
    expect(uart.metrics.missed_write_count.count()).toBe(2);
  });

  it('survives random guest accesses', () => {
    const { uart } = setup();
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    for (let i = 0; i < 20000; i++) {
      const d = new Uint8Array([1, 1, 1, 2, 4, 8][rand() % 6]!).fill(rand() & 0xff);
      const off = rand() % 10;
      if (rand() & 1) uart.write(off, d);
      else uart.read(off, d);
      if (i % 97 === 0) uart.enqueueInput(Uint8Array.of(rand() & 0xff, 1, 2));
    }
  });

  it('counts an output sink failure as an error and keeps going', () => {
    const uart = new Uart16550({
      interrupt: { setLevel: () => {} },
      output: () => {
        throw new Error('pipe closed');
      },
    });
    uart.write(0, Uint8Array.of(65));
    expect(uart.metrics.error_count.count()).toBe(1);
  });
});

describe('Uart16550 receive path', () => {
  it('accepts one byte without FIFOs, 16 with, and signals space when the guest reads', () => {
    let spaceSignals = 0;
    const { uart, rd, wr } = setup({ onInputSpace: () => spaceSignals++ });
    expect(uart.enqueueInput(Uint8Array.of(1, 2, 3))).toBe(1);
    expect(rd(R.REG.LSR) & R.LSR_DATA_READY).toBe(1);
    expect(rd(R.REG.DATA)).toBe(1);
    expect(spaceSignals).toBe(1);
    expect(rd(R.REG.LSR) & R.LSR_DATA_READY).toBe(0);
    wr(R.REG.IIR_FCR, R.FCR_ENABLE | 0x80);
    expect(uart.rxSpace()).toBe(16);
    expect(uart.enqueueInput(new Uint8Array(20).map((_, i) => i))).toBe(16);
    const got: number[] = [];
    while (rd(R.REG.LSR) & R.LSR_DATA_READY) got.push(rd(R.REG.DATA));
    expect(got).toEqual([...Array(16).keys()]);
    expect(spaceSignals).toBe(2);
    expect(uart.metrics.read_count.count()).toBe(17);
  });

  it('raises rx-data when the FIFO reaches the trigger level, timeout below it', () => {
    const { uart, rd, wr, irq } = setup();
    wr(R.REG.IIR_FCR, R.FCR_ENABLE | (2 << 6)); // trigger 8
    wr(R.REG.IER, R.IER_RX_DATA);
    expect(irq()).toBe(false);
    uart.enqueueInput(new Uint8Array(3));
    expect(irq()).toBe(true);
    expect(rd(R.REG.IIR_FCR)).toBe(0xc0 | R.IIR_RX_TIMEOUT);
    uart.enqueueInput(new Uint8Array(5));
    expect(rd(R.REG.IIR_FCR)).toBe(0xc0 | R.IIR_RX_DATA);
    for (let i = 0; i < 8; i++) rd(R.REG.DATA);
    expect(irq()).toBe(false);
    expect(rd(R.REG.IIR_FCR)).toBe(0xc0 | R.IIR_NONE);
  });

  it('FCR clears the receive FIFO', () => {
    const { uart, rd, wr } = setup();
    wr(R.REG.IIR_FCR, R.FCR_ENABLE);
    uart.enqueueInput(Uint8Array.of(1, 2, 3));
    wr(R.REG.IIR_FCR, R.FCR_ENABLE | R.FCR_CLEAR_RX);
    expect(rd(R.REG.LSR) & R.LSR_DATA_READY).toBe(0);
  });
});

describe('Uart16550 interrupts', () => {
  it('raises THRE when ETBEI is enabled; reading IIR acknowledges it; a THR write re-raises it', () => {
    const { rd, wr, irq } = setup();
    wr(R.REG.IER, R.IER_THR_EMPTY);
    expect(irq()).toBe(true);
    expect(rd(R.REG.IIR_FCR)).toBe(R.IIR_THR_EMPTY);
    expect(irq()).toBe(false);
    expect(rd(R.REG.IIR_FCR)).toBe(R.IIR_NONE);
    wr(R.REG.DATA, 0x41);
    expect(irq()).toBe(true);
    // Linux's UART_BUG_THRE probe: disable then re-enable must raise THRE again.
    rd(R.REG.IIR_FCR);
    wr(R.REG.IER, 0);
    wr(R.REG.IER, R.IER_THR_EMPTY);
    expect(rd(R.REG.IIR_FCR) & 0x01).toBe(0);
  });

  it('clearing ETBEI drops the line', () => {
    const { wr, irq } = setup();
    wr(R.REG.IER, R.IER_THR_EMPTY);
    expect(irq()).toBe(true);
    wr(R.REG.IER, 0);
    expect(irq()).toBe(false);
  });

  it('orders sources: line status > rx data > THRE > modem status', () => {
    const { uart, rd, wr } = setup();
    wr(R.REG.IIR_FCR, R.FCR_ENABLE);
    wr(R.REG.IER, 0x0f);
    wr(R.REG.MCR, R.MCR_LOOPBACK); // modem lines change → delta bits
    for (let i = 0; i < 17; i++) wr(R.REG.DATA, i); // 17th overruns the FIFO
    expect(rd(R.REG.IIR_FCR) & 0x0f).toBe(R.IIR_LINE_STATUS);
    expect(rd(R.REG.LSR) & R.LSR_OVERRUN).toBe(R.LSR_OVERRUN);
    expect(rd(R.REG.LSR) & R.LSR_OVERRUN).toBe(0);
    expect(rd(R.REG.IIR_FCR) & 0x0f).toBe(R.IIR_RX_DATA);
    wr(R.REG.IIR_FCR, R.FCR_ENABLE | R.FCR_CLEAR_RX);
    expect(rd(R.REG.IIR_FCR) & 0x0f).toBe(R.IIR_THR_EMPTY);
    expect(rd(R.REG.IIR_FCR) & 0x0f).toBe(R.IIR_MODEM_STATUS);
    expect(rd(R.REG.MSR) & 0x0f).not.toBe(0);
    expect(rd(R.REG.IIR_FCR) & 0x0f).toBe(R.IIR_NONE);
    expect(uart.rxSpace()).toBe(0); // loopback disconnects the line input
  });
});

describe('Uart16550 loopback and modem lines', () => {
  it('loops written bytes back into the receiver instead of the sink', () => {
    let spaceSignals = 0;
    const { uart, rd, wr, out } = setup({ onInputSpace: () => spaceSignals++ });
    wr(R.REG.MCR, R.MCR_LOOPBACK);
    expect(uart.enqueueInput(Uint8Array.of(9))).toBe(0);
    wr(R.REG.DATA, 0x5a);
    expect(out).toEqual([]);
    expect(rd(R.REG.DATA)).toBe(0x5a);
    wr(R.REG.MCR, 0);
    expect(spaceSignals).toBe(1);
  });

  it('reports CTS/DSR/DCD asserted outside loopback and MCR-wired lines with deltas inside', () => {
    const { rd, wr } = setup();
    expect(rd(R.REG.MSR)).toBe(R.MSR_CTS | R.MSR_DSR | R.MSR_DCD);
    wr(R.REG.MCR, R.MCR_LOOPBACK | R.MCR_OUT1);
    expect(rd(R.REG.MSR)).toBe(R.MSR_RI | R.MSR_DELTA_CTS | R.MSR_DELTA_DSR | R.MSR_DELTA_DCD);
    expect(rd(R.REG.MSR)).toBe(R.MSR_RI);
    wr(R.REG.MCR, R.MCR_LOOPBACK | R.MCR_DTR);
    expect(rd(R.REG.MSR)).toBe(R.MSR_DSR | R.MSR_DELTA_DSR | R.MSR_TRAILING_RI);
  });
});

describe('Uart16550 snapshot', () => {
  it('round-trips registers and FIFO contents and re-drives the interrupt line', () => {
    const a = setup();
    a.wr(R.REG.LCR, 0x80);
    a.wr(R.REG.DATA, 0x03);
    a.wr(R.REG.LCR, 0x03);
    a.wr(R.REG.IIR_FCR, R.FCR_ENABLE | 0x40);
    a.wr(R.REG.IER, R.IER_RX_DATA);
    a.wr(R.REG.SCR, 0x77);
    a.uart.enqueueInput(Uint8Array.of(10, 20, 30));
    const state = JSON.parse(JSON.stringify(a.uart.save())) as ReturnType<Uart16550['save']>;
    const b = setup();
    b.uart.restore(state);
    expect(b.irq()).toBe(true);
    expect(b.rd(R.REG.SCR)).toBe(0x77);
    expect(b.rd(R.REG.IIR_FCR)).toBe(0xc0 | R.IIR_RX_TIMEOUT);
    expect([b.rd(0), b.rd(0), b.rd(0)]).toEqual([10, 20, 30]);
    b.wr(R.REG.LCR, 0x83);
    expect(b.rd(R.REG.DATA)).toBe(0x03);
  });

  it('restores a corrupt state into sane registers without throwing', () => {
    const { uart, rd } = setup();
    uart.restore({ ier: 0x1ff, rx: [300, -1, 'x' as unknown as number], rxTrigger: 3 });
    expect(rd(R.REG.IER)).toBe(0x0f);
    expect(uart.save().rx.length).toBeLessThanOrEqual(1);
  });
});
