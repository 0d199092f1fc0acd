/**
 * The x86_64 microVM's devices, all from core/ (the same TS models the riscv64 machine uses), on
 * core's port-I/O and MMIO buses:
 *  - COM1: core's 16550 at ports 0x3f8–0x3ff, IRQ 4;
 *  - i8042 at ports 0x60–0x64, IRQ 1: reset (0xfe on 0x64) → `onReset`, Ctrl-Alt-Del injection;
 *  - virtio-mmio slots from 0xd0000000 (4 KiB each), IRQs 5, 6, … (memory-map.ts).
 * Interrupt lines reach the in-kernel irqchip through `raiseIrq(gsi, level)` (KVM_IRQ_LINE).
 */
import {
  I8042,
  I8042_IRQ,
  I8042_PORT_BASE,
  I8042_PORT_SIZE,
} from '../../core/arch/x86_64/devices/i8042';
import {
  COM1,
  MAX_VIRTIO_SLOTS,
  virtioSlot,
  X86_IRQ,
  type VirtioSlot,
} from '../../core/arch/x86_64/memory-map';
import { Uart16550 } from '../../core/devices/serial';
import type { InterruptLine } from '../../core/irq/interrupt-line';
import type { GuestMemory } from '../../core/memory';
import type { VirtioDevice } from '../../core/virtio/device';
import { VirtioMmioTransport } from '../../core/virtio/mmio-transport';
import { BusAccess } from './bus-access';

export interface X86DeviceOptions {
  /** Drive GSI `gsi` to `level` (no-op for machines without an in-kernel irqchip). */
  raiseIrq(gsi: number, level: boolean): void;
  /** The guest pulsed the i8042 reset line (`reboot=k`). */
  onReset(): void;
  /** Serial output bytes. */
  output(bytes: Uint8Array): void;
  /** Room opened in the UART's receive FIFO. */
  onInputSpace?(): void;
}

export interface VirtioAttachment {
  readonly name: string;
  readonly slot: VirtioSlot;
  readonly transport: VirtioMmioTransport;
}

export class X86Devices extends BusAccess {
  readonly uart: Uart16550;
  readonly i8042: I8042;
  readonly virtio: VirtioAttachment[] = [];

  constructor(private readonly options: X86DeviceOptions) {
    super();
    this.uart = new Uart16550({
      interrupt: this.line(X86_IRQ.com1),
      output: (bytes) => options.output(bytes),
      ...(options.onInputSpace ? { onInputSpace: options.onInputSpace } : {}),
    });
    this.pio.register(COM1.port, COM1.size, this.uart, 'com1');
    this.i8042 = new I8042({ interrupt: this.line(I8042_IRQ), onReset: () => options.onReset() });
    this.pio.register(I8042_PORT_BASE, I8042_PORT_SIZE, this.i8042, 'i8042');
  }

  /** An interrupt line for GSI `gsi`; errors from the irqchip are swallowed (devices must not throw). */
  line(gsi: number): InterruptLine {
    return {
      setLevel: (level) => {
        try {
          this.options.raiseIrq(gsi, level);
        } catch {
          // A failing KVM_IRQ_LINE (VM closing) only loses the interrupt.
        }
      },
    };
  }

  /** Maps a virtio device into the next free slot; returns where it went (for the command line). */
  addVirtio(name: string, device: VirtioDevice, memory: GuestMemory): VirtioAttachment {
    const index = this.virtio.length;
    if (index >= MAX_VIRTIO_SLOTS)
      throw new RangeError(`at most ${MAX_VIRTIO_SLOTS} virtio devices`);
    const slot = virtioSlot(index);
    const transport = new VirtioMmioTransport(device, memory, this.line(slot.irq));
    this.mmio.register(slot.base, slot.size, transport, name);
    const attachment = { name, slot, transport };
    this.virtio.push(attachment);
    return attachment;
  }
}
