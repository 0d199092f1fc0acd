/**
 * The minimal i8042 keyboard controller a Linux guest on x86_64 needs (as Firecracker has it):
 * - port 0x64 (offset 4): status register (read) and controller commands (write), among them
 *   0xFE "pulse reset line", which is how `reboot=k` guests reboot → `onReset()`;
 * - port 0x60 (offset 0): output buffer (read) and command parameters / keyboard data (write);
 * - Ctrl-Alt-Del injection (the API's SendCtrlAltDel) as scancode-set-2 bytes in the output
 *   buffer with the keyboard interrupt (IRQ 1).
 * Mapped as one `BusDevice` over ports 0x60–0x64.
 */
import type { BusDevice } from '../../../bus/bus-device';
import type { InterruptLine } from '../../../irq/interrupt-line';
import { incMetrics } from '../../../metrics/registry';

export const I8042_PORT_BASE = 0x60;
export const I8042_PORT_SIZE = 5;
export const I8042_IRQ = 1;

const OFFSET_DATA = 0;
const OFFSET_STATUS = 4;

const CMD_READ_CONTROL = 0x20;
const CMD_WRITE_CONTROL = 0x60;
const CMD_READ_OUTPUT_PORT = 0xd0;
const CMD_WRITE_OUTPUT_PORT = 0xd1;
const CMD_RESET_CPU = 0xfe;

const STATUS_OUTPUT_FULL = 0x01;
const STATUS_EXPECTING_PARAMETER = 0x08;
const STATUS_KEYBOARD_ENABLED = 0x10;

const CONTROL_KEYBOARD_INTERRUPT = 0x01;
const CONTROL_POST_OK = 0x04;

const KEYBOARD_ACK = 0xfa;
const BUFFER_SIZE = 16;
/** Ctrl, Alt, Del make codes in scancode set 2 (Del is an extended key: E0 71). */
const CTRL_ALT_DEL = [0x14, 0x11, 0xe0, 0x71];

export function createI8042Metrics() {
  return incMetrics(
    'error_count',
    'missed_read_count',
    'missed_write_count',
    'read_count',
    'reset_count',
    'write_count',
  );
}
export type I8042Metrics = ReturnType<typeof createI8042Metrics>;

export interface I8042Options {
  /** The keyboard interrupt (IRQ 1). */
  interrupt: InterruptLine;
  /** The guest asked the controller to reset the CPU (a reboot). */
  onReset: () => void;
  metrics?: I8042Metrics;
}

export interface I8042State {
  status: number;
  control: number;
  outputPort: number;
  pendingCommand: number;
  buffer: number[];
}

export class I8042 implements BusDevice {
  readonly metrics: I8042Metrics;
  private status = STATUS_KEYBOARD_ENABLED;
  private control = CONTROL_POST_OK | CONTROL_KEYBOARD_INTERRUPT;
  private outputPort = 0;
  private pendingCommand = 0;
  private buffer: number[] = [];
  private irqLevel = false;

  constructor(private readonly options: I8042Options) {
    this.metrics = options.metrics ?? createI8042Metrics();
  }

  /** Queues Ctrl-Alt-Del; `false` when the output buffer has no room for it. */
  sendCtrlAltDel(): boolean {
    if (BUFFER_SIZE - this.buffer.length < CTRL_ALT_DEL.length) return false;
    for (const byte of CTRL_ALT_DEL) this.push(byte);
    this.raiseKeyboardInterrupt();
    return true;
  }

  read(offset: number, data: Uint8Array): void {
    data.fill(0);
    if (data.length !== 1 || (offset !== OFFSET_DATA && offset !== OFFSET_STATUS)) {
      this.metrics.missed_read_count.inc();
      return;
    }
    this.metrics.read_count.inc();
    if (offset === OFFSET_STATUS) {
      data[0] = this.status;
      return;
    }
    data[0] = this.pop() ?? 0;
    if (this.buffer.length > 0) this.raiseKeyboardInterrupt();
    else this.setIrq(false);
  }

  write(offset: number, data: Uint8Array): void {
    const value = data[0] ?? 0;
    if (data.length !== 1 || (offset !== OFFSET_DATA && offset !== OFFSET_STATUS)) {
      this.metrics.missed_write_count.inc();
      return;
    }
    this.metrics.write_count.inc();
    if (offset === OFFSET_STATUS) this.command(value);
    else this.dataWrite(value);
  }

  private command(value: number): void {
    switch (value) {
      case CMD_RESET_CPU:
        this.metrics.reset_count.inc();
        try {
          this.options.onReset();
        } catch {
          this.metrics.error_count.inc();
        }
        break;
      case CMD_READ_CONTROL:
        this.flush();
        this.push(this.control);
        break;
      case CMD_READ_OUTPUT_PORT:
        this.flush();
        this.push(this.outputPort);
        break;
      case CMD_WRITE_CONTROL:
        this.flush();
        this.expectParameter(value);
        break;
      case CMD_WRITE_OUTPUT_PORT:
        this.expectParameter(value);
        break;
      default:
        break; // other controller commands are ignored, as on Firecracker
    }
  }

  private dataWrite(value: number): void {
    if (this.status & STATUS_EXPECTING_PARAMETER) {
      if (this.pendingCommand === CMD_WRITE_CONTROL) this.control = value;
      else if (this.pendingCommand === CMD_WRITE_OUTPUT_PORT) this.outputPort = value;
      this.status &= ~STATUS_EXPECTING_PARAMETER;
      return;
    }
    // A byte for the keyboard itself: acknowledge every keyboard command.
    this.flush();
    this.push(KEYBOARD_ACK);
    this.raiseKeyboardInterrupt();
  }

  private expectParameter(command: number): void {
    this.status |= STATUS_EXPECTING_PARAMETER;
    this.pendingCommand = command;
  }

  private push(byte: number): void {
    if (this.buffer.length >= BUFFER_SIZE) return;
    this.buffer.push(byte & 0xff);
    this.status |= STATUS_OUTPUT_FULL;
  }

  private pop(): number | undefined {
    const byte = this.buffer.shift();
    if (this.buffer.length === 0) this.status &= ~STATUS_OUTPUT_FULL;
    return byte;
  }

  private flush(): void {
    this.buffer = [];
    this.status &= ~STATUS_OUTPUT_FULL;
    this.setIrq(false);
  }

  /** One edge per byte made available (IRQ 1 is edge-triggered on the IOAPIC). */
  private raiseKeyboardInterrupt(): void {
    if (!(this.control & CONTROL_KEYBOARD_INTERRUPT)) return;
    this.setIrq(false);
    this.setIrq(true);
  }

  private setIrq(level: boolean): void {
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.options.interrupt.setLevel(level);
  }

  save(): I8042State {
    return {
      status: this.status,
      control: this.control,
      outputPort: this.outputPort,
      pendingCommand: this.pendingCommand,
      buffer: [...this.buffer],
    };
  }

  restore(state: I8042State): void {
    const byte = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v & 0xff : 0);
    this.control = byte(state.control);
    this.outputPort = byte(state.outputPort);
    this.pendingCommand = byte(state.pendingCommand);
    this.buffer = Array.isArray(state.buffer) ? state.buffer.slice(0, BUFFER_SIZE).map(byte) : [];
    // Keep status consistent with the buffer whatever the saved bits say.
    this.status =
      (byte(state.status) & ~STATUS_OUTPUT_FULL) |
      (this.buffer.length > 0 ? STATUS_OUTPUT_FULL : 0);
    this.setIrq(this.buffer.length > 0 && (this.control & CONTROL_KEYBOARD_INTERRUPT) !== 0);
  }
}
