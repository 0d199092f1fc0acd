/**
 * How a device raises an interrupt: an injected line object, never a CPU or controller reference.
 *
 * The machine wires each line to its interrupt controller (PLIC source on riscv64, IOAPIC pin via
 * KVM_IRQ_LINE or an irqfd on x86_64). Level-triggered controllers keep the state; edge-triggered
 * backends fire on the rising edge. Setting the level it already has is a no-op for the device.
 */
export interface InterruptLine {
  setLevel(asserted: boolean): void;
}
