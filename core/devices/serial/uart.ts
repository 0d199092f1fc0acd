import type { BusDevice } from '../../bus/bus-device';
import type { InterruptLine } from '../../irq/interrupt-line';
import { createUartMetrics, type UartMetrics } from './metrics';
import { sanitizeUartState, type UartState } from './persist';
import * as R from './registers';

export interface Uart16550Options {
  /** Level-triggered interrupt line (PLIC source 10 on riscv64, IRQ 4 on x86_64). */
  interrupt: InterruptLine;
  /** Receives every transmitted byte (not called in loopback mode). */
  output: (bytes: Uint8Array) => void;
  /** Called when receive space opens up after `enqueueInput` could not take everything. */
  onInputSpace?: () => void;
  metrics?: UartMetrics;
}

/**
 * A 16550A UART as Linux's 8250 driver and earlycon drive it. Transmission is instantaneous (the
 * transmitter is always empty); reception goes through the 16-byte FIFO (1-byte holding register
 * when FIFOs are off), which is also the bounded input buffer the console stream fills.
 *
 * With FIFOs on, data below the trigger level is reported at once as a "character timeout"
 * (IIR 0x0C) rather than after four character times: this model has no notion of line speed.
 */
export class Uart16550 implements BusDevice {
  readonly metrics: UartMetrics;
  private readonly interrupt: InterruptLine;
  private readonly output: (bytes: Uint8Array) => void;
  private readonly onInputSpace: (() => void) | undefined;

  private dll = 0x0c; // 9600 baud from a 1.8432 MHz clock, the PC's power-on divisor
  private dlm = 0;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fifoEnabled = false;
  private rxTrigger = 1;
  private overrun = false;
  private thrEmptyPending = false;
  private msrDelta = 0;
  private rx: number[] = [];
  private inputWaiting = false;
  private irqLevel = false;

  constructor(options: Uart16550Options) {
    this.interrupt = options.interrupt;
    this.output = options.output;
    this.onInputSpace = options.onInputSpace;
    this.metrics = options.metrics ?? createUartMetrics();
  }

  // --- host side -------------------------------------------------------------------------

  /** Bytes the receive FIFO can take now (0 in loopback mode: the line input is disconnected). */
  rxSpace(): number {
    if (this.mcr & R.MCR_LOOPBACK) return 0;
    return Math.max(0, this.rxCapacity() - this.rx.length);
  }

  /** Queues console input; returns how many bytes were accepted (the rest must be re-offered
   *  after `onInputSpace`). */
  enqueueInput(bytes: Uint8Array): number {
    const accepted = Math.min(bytes.length, this.rxSpace());
    for (let i = 0; i < accepted; i++) this.rx.push(bytes[i] ?? 0);
    if (accepted < bytes.length) this.inputWaiting = true;
    if (accepted > 0) this.updateInterrupt();
    return accepted;
  }

  // --- guest side ------------------------------------------------------------------------

  read(offset: number, data: Uint8Array): void {
    data.fill(0);
    if (data.length !== 1 || offset < 0 || offset >= R.REGISTER_COUNT) {
      this.metrics.missed_read_count.inc();
      return;
    }
    data[0] = this.readRegister(offset);
  }

  write(offset: number, data: Uint8Array): void {
    if (data.length !== 1 || offset < 0 || offset >= R.REGISTER_COUNT) {
      this.metrics.missed_write_count.inc();
      return;
    }
    this.writeRegister(offset, data[0] ?? 0);
  }

  private readRegister(offset: number): number {
    const dlab = (this.lcr & R.LCR_DLAB) !== 0;
    switch (offset) {
      case R.REG.DATA:
        return dlab ? this.dll : this.readReceiveBuffer();
      case R.REG.IER:
        return dlab ? this.dlm : this.ier;
      case R.REG.IIR_FCR:
        return this.readInterruptId();
      case R.REG.LCR:
        return this.lcr;
      case R.REG.MCR:
        return this.mcr;
      case R.REG.LSR:
        return this.readLineStatus();
      case R.REG.MSR:
        return this.readModemStatus();
      default:
        return this.scr;
    }
  }

  private writeRegister(offset: number, value: number): void {
    const dlab = (this.lcr & R.LCR_DLAB) !== 0;
    switch (offset) {
      case R.REG.DATA:
        if (dlab) this.dll = value;
        else this.transmit(value);
        break;
      case R.REG.IER:
        if (dlab) this.dlm = value;
        else this.writeInterruptEnable(value);
        break;
      case R.REG.IIR_FCR:
        this.writeFifoControl(value);
        break;
      case R.REG.LCR:
        this.lcr = value;
        break;
      case R.REG.MCR:
        this.writeModemControl(value);
        break;
      case R.REG.SCR:
        this.scr = value;
        break;
      default:
        break; // LSR and MSR are read-only
    }
  }

  private readReceiveBuffer(): number {
    const byte = this.rx.shift();
    if (byte === undefined) return 0;
    this.metrics.read_count.inc();
    this.updateInterrupt();
    this.signalInputSpace();
    return byte;
  }

  private transmit(byte: number): void {
    if (this.mcr & R.MCR_LOOPBACK) {
      if (this.rx.length < this.rxCapacity()) this.rx.push(byte);
      else this.overrun = true;
    } else {
      try {
        this.output(Uint8Array.of(byte));
        this.metrics.write_count.inc();
      } catch {
        this.metrics.error_count.inc();
        this.metrics.missed_write_count.inc();
      }
    }
    // The byte left at once, so THR is empty again: that is a new THRE event.
    this.thrEmptyPending = true;
    this.updateInterrupt();
  }

  private writeInterruptEnable(value: number): void {
    const enablingThre = !(this.ier & R.IER_THR_EMPTY) && value & R.IER_THR_EMPTY;
    this.ier = value & R.IER_MASK;
    // THR is always empty, so enabling its interrupt raises it (Linux's THRE test expects this).
    if (enablingThre) this.thrEmptyPending = true;
    this.updateInterrupt();
  }

  private writeFifoControl(value: number): void {
    const enable = (value & R.FCR_ENABLE) !== 0;
    if (enable !== this.fifoEnabled) {
      this.fifoEnabled = enable;
      this.rx = [];
    }
    if (enable) {
      if (value & R.FCR_CLEAR_RX) this.rx = [];
      this.rxTrigger = R.RX_TRIGGER_LEVELS[value >> R.FCR_TRIGGER_SHIFT] ?? 1;
    }
    this.updateInterrupt();
    this.signalInputSpace();
  }

  private writeModemControl(value: number): void {
    const before = this.modemLines();
    const wasLoopback = (this.mcr & R.MCR_LOOPBACK) !== 0;
    this.mcr = value & R.MCR_MASK;
    const after = this.modemLines();
    const changed = before ^ after;
    if (changed & R.MSR_CTS) this.msrDelta |= R.MSR_DELTA_CTS;
    if (changed & R.MSR_DSR) this.msrDelta |= R.MSR_DELTA_DSR;
    if (changed & R.MSR_DCD) this.msrDelta |= R.MSR_DELTA_DCD;
    if (before & R.MSR_RI && !(after & R.MSR_RI)) this.msrDelta |= R.MSR_TRAILING_RI;
    this.updateInterrupt();
    if (wasLoopback && !(this.mcr & R.MCR_LOOPBACK)) this.signalInputSpace();
  }

  private readInterruptId(): number {
    const id = this.pendingInterrupt();
    // Reading IIR acknowledges a THRE interrupt (and only that one).
    if (id === R.IIR_THR_EMPTY) {
      this.thrEmptyPending = false;
      this.updateInterrupt();
    }
    return id | (this.fifoEnabled ? R.IIR_FIFO_ENABLED : 0);
  }

  private readLineStatus(): number {
    let lsr = R.LSR_THR_EMPTY | R.LSR_TRANSMITTER_EMPTY;
    if (this.rx.length > 0) lsr |= R.LSR_DATA_READY;
    if (this.overrun) lsr |= R.LSR_OVERRUN;
    if (this.overrun) {
      this.overrun = false;
      this.updateInterrupt();
    }
    return lsr;
  }

  private readModemStatus(): number {
    const msr = this.modemLines() | this.msrDelta;
    if (this.msrDelta) {
      this.msrDelta = 0;
      this.updateInterrupt();
    }
    return msr;
  }

  /** Modem input lines: wired back from MCR in loopback, else a peer that is always ready. */
  private modemLines(): number {
    if (!(this.mcr & R.MCR_LOOPBACK)) return R.MSR_CTS | R.MSR_DSR | R.MSR_DCD;
    let lines = 0;
    if (this.mcr & R.MCR_RTS) lines |= R.MSR_CTS;
    if (this.mcr & R.MCR_DTR) lines |= R.MSR_DSR;
    if (this.mcr & R.MCR_OUT1) lines |= R.MSR_RI;
    if (this.mcr & R.MCR_OUT2) lines |= R.MSR_DCD;
    return lines;
  }

  private pendingInterrupt(): number {
    if (this.ier & R.IER_LINE_STATUS && this.overrun) return R.IIR_LINE_STATUS;
    if (this.ier & R.IER_RX_DATA && this.rx.length > 0) {
      return this.fifoEnabled && this.rx.length < this.rxTrigger ? R.IIR_RX_TIMEOUT : R.IIR_RX_DATA;
    }
    if (this.ier & R.IER_THR_EMPTY && this.thrEmptyPending) return R.IIR_THR_EMPTY;
    if (this.ier & R.IER_MODEM_STATUS && this.msrDelta) return R.IIR_MODEM_STATUS;
    return R.IIR_NONE;
  }

  private updateInterrupt(): void {
    const level = this.pendingInterrupt() !== R.IIR_NONE;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.interrupt.setLevel(level);
  }

  private rxCapacity(): number {
    return this.fifoEnabled ? R.FIFO_SIZE : 1;
  }

  private signalInputSpace(): void {
    if (!this.inputWaiting || this.rxSpace() === 0) return;
    this.inputWaiting = false;
    this.onInputSpace?.();
  }

  // --- snapshot --------------------------------------------------------------------------

  save(): UartState {
    return {
      dll: this.dll,
      dlm: this.dlm,
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      scr: this.scr,
      fifoEnabled: this.fifoEnabled,
      rxTrigger: this.rxTrigger,
      overrun: this.overrun,
      thrEmptyPending: this.thrEmptyPending,
      msrDelta: this.msrDelta,
      rx: [...this.rx],
    };
  }

  /** Restores registers and FIFO; re-drives the interrupt line to match. */
  restore(raw: Partial<UartState>): void {
    const s = sanitizeUartState(raw);
    this.dll = s.dll;
    this.dlm = s.dlm;
    this.ier = s.ier;
    this.lcr = s.lcr;
    this.mcr = s.mcr;
    this.scr = s.scr;
    this.fifoEnabled = s.fifoEnabled;
    this.rxTrigger = s.rxTrigger;
    this.overrun = s.overrun;
    this.thrEmptyPending = s.thrEmptyPending;
    this.msrDelta = s.msrDelta;
    this.rx = s.rx.slice(0, this.rxCapacity());
    this.irqLevel = this.pendingInterrupt() !== R.IIR_NONE;
    this.interrupt.setLevel(this.irqLevel);
  }
}
