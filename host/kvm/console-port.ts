/**
 * A transmit-only COM1 stand-in for the 8 ports at 0x3f8 until core's 16550 (core/devices/serial/)
 * lands: bytes written to THR (offset 0) go to a Node stream; LSR (offset 5) always reads "transmitter
 * empty" so guests that poll before writing never spin; every other register reads 0.
 */
import { PassThrough } from 'node:stream';
import type { BusDevice } from '../../core/bus/bus-device';

export const COM1_PORT = 0x3f8;
export const COM1_PORT_COUNT = 8;
const THR = 0;
const LCR = 3;
const LSR = 5;
const LCR_DLAB = 0x80;
const LSR_THR_EMPTY_AND_IDLE = 0x60;

export class ConsolePort implements BusDevice {
  /** Guest console output, byte for byte. */
  readonly output = new PassThrough();
  private lineControl = 0;

  read(offset: number, data: Uint8Array): void {
    data.fill(0);
    if (offset === LSR) data[0] = LSR_THR_EMPTY_AND_IDLE;
    else if (offset === LCR) data[0] = this.lineControl;
  }

  write(offset: number, data: Uint8Array): void {
    const value = data[0] ?? 0;
    if (offset === LCR) this.lineControl = value;
    // With DLAB set, offset 0 is the divisor latch, not the transmit register.
    else if (offset === THR && (this.lineControl & LCR_DLAB) === 0)
      this.output.write(Buffer.from([value]));
  }
}
