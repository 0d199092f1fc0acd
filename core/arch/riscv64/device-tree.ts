/**
 * The device tree the riscv64 machine hands to Linux in a1, generated from a machine description.
 *
 * Shape (QEMU-virt compatible bindings, written from the DT binding documents):
 *   /            #address-cells = #size-cells = 2, compatible "kindling,riscv-virt", "riscv-virtio"
 *   /chosen      bootargs, stdout-path, linux,initrd-start/end (u64)
 *   /memory@80000000
 *   /cpus        timebase-frequency; cpu@N with riscv,isa, mmu-type and a riscv,cpu-intc child
 *   /soc         simple-bus: clint, plic, serial (ns16550a), virtio_mmio@... (populated slots), test
 *   /poweroff, /reboot   syscon-poweroff / syscon-reboot on the SiFive test device
 *
 * riscv,isa: Linux 6.1 (arch/riscv/kernel/cpufeature.c, riscv_fill_hwcap) requires the "rv64"
 * prefix, takes single letters up to the first '_', then '_'-separated multi-letter extensions,
 * and of those only maps sscofpmf, svpbmt, zicbom, zihintpause, sstc and svinval (others are
 * skipped harmlessly). "sstc" must be its own '_'-delimited token so the kernel programs
 * stimecmp directly instead of calling SBI set_timer. "zihintpause" makes cpu_relax() use PAUSE
 * (else `div x, x, zero`): the CPU counts a spin-wait's PAUSEs and yields the host thread after
 * a streak (cpu/assembly/pause.ts).
 *
 * riscv,isa-base / riscv,isa-extensions (the newer binding, preferred by Linux >= 6.6 and ignored
 * by 6.1) carry the same extensions as a list, derived from riscv,isa.
 *
 * mmu-type: Linux 6.1 never reads it; it probes the paging mode itself (set_satp_mode writes satp
 * with sv57, then sv48, then sv39 and keeps the first the hart accepts, so the CPU must treat an
 * unsupported satp MODE as WARL). The binding requires the property for other consumers; we
 * advertise sv39, the mode every RV64 MMU implements, unless the description says otherwise.
 *
 * The boot timer is deliberately absent: the guest finds it through `kindling.boot_timer=` in
 * bootargs, as Firecracker's guests do.
 */
import { FdtBuilder, type FdtNode } from '../../fdt/fdt-writer';
import {
  BOOT_TIMER,
  CLINT,
  MAX_HARTS,
  PLIC,
  PLIC_SOURCES,
  RAM_BASE,
  TEST_FINISHER,
  TIMEBASE_HZ,
  UART,
  UART_CLOCK_HZ,
  UART_IRQ,
  VIRTIO_MMIO_SLOTS,
  virtioMmioSlot,
  type MmioRegion,
} from './memory-map';

export const DEFAULT_RISCV_ISA = 'rv64imafdc_zicsr_zifencei_zicntr_zihintpause_sstc';
export type MmuType = 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57';

/** Everything the tree depends on. */
export interface RiscvMachineDescription {
  /** Number of harts, 1..8; hart ids are 0..harts-1. */
  readonly harts: number;
  /** Bytes of RAM at RAM_BASE. */
  readonly ramSize: number;
  /** Kernel command line (the boot-timer parameter is appended when `bootTimer` is set). */
  readonly bootargs: string;
  /** Physical [start, end) of the initrd, when one is loaded. */
  readonly initrd?: { readonly start: number; readonly end: number };
  /** Populated virtio-mmio slots (0..7); each gets a node with PLIC source slot + 1. */
  readonly virtioSlots: readonly number[];
  /** Advertise the boot-timer device through bootargs. */
  readonly bootTimer?: boolean;
  readonly mmuType?: MmuType;
  readonly isa?: string;
}

/** A description the tree cannot represent. */
export class DeviceTreeError extends Error {
  override readonly name = 'DeviceTreeError';
}

const CLINT_M_SOFTWARE = 3;
const CLINT_M_TIMER = 7;
const INTC_S_EXTERNAL = 9;
const INTC_M_EXTERNAL = 11;
const FINISHER_PASS = 0x5555;
const FINISHER_RESET = 0x7777;
const UART_PATH = `/soc/serial@${hex(UART.base)}`;

function hex(n: number): string {
  return n.toString(16);
}

function split64(n: number): [number, number] {
  return [Math.floor(n / 2 ** 32), n % 2 ** 32];
}

/** `reg` for #address-cells = #size-cells = 2. */
function reg(region: MmioRegion): number[] {
  return [...split64(region.base), ...split64(region.size)];
}

/** The kernel command line as it will appear in /chosen/bootargs. */
export function effectiveBootargs(desc: RiscvMachineDescription): string {
  const timer = `kindling.boot_timer=0x${hex(BOOT_TIMER.base)}`;
  return desc.bootTimer
    ? [desc.bootargs.trim(), timer].filter((s) => s !== '').join(' ')
    : desc.bootargs;
}

function validate(desc: RiscvMachineDescription): void {
  if (!Number.isInteger(desc.harts) || desc.harts < 1 || desc.harts > MAX_HARTS)
    throw new DeviceTreeError(`harts must be 1..${MAX_HARTS}, got ${desc.harts}`);
  if (!Number.isSafeInteger(desc.ramSize) || desc.ramSize <= 0 || desc.ramSize % 4096 !== 0)
    throw new DeviceTreeError(`RAM size ${desc.ramSize} is not a positive multiple of 4 KiB`);
  const slots = new Set<number>();
  for (const slot of desc.virtioSlots) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= VIRTIO_MMIO_SLOTS || slots.has(slot))
      throw new DeviceTreeError(`virtio slot ${slot} is invalid or repeated`);
    slots.add(slot);
  }
  const initrd = desc.initrd;
  if (initrd) {
    const ramEnd = RAM_BASE + desc.ramSize;
    if (!(initrd.start >= RAM_BASE && initrd.start <= initrd.end && initrd.end <= ramEnd))
      throw new DeviceTreeError('initrd range lies outside RAM');
  }
}

/** Build the tree; {@link buildDeviceTree} serializes it. */
export function buildDeviceTreeNodes(desc: RiscvMachineDescription): FdtBuilder {
  validate(desc);
  const fdt = new FdtBuilder();
  const root = fdt.root;
  root.setU32('#address-cells', 2).setU32('#size-cells', 2);
  root.setStringList('compatible', ['kindling,riscv-virt', 'riscv-virtio']);
  root.setString('model', 'Kindling RISC-V microVM');

  const chosen = root.addNode('chosen');
  chosen.setString('bootargs', effectiveBootargs(desc));
  chosen.setString('stdout-path', UART_PATH);
  if (desc.initrd) {
    chosen.setU64('linux,initrd-start', desc.initrd.start);
    chosen.setU64('linux,initrd-end', desc.initrd.end);
  }
  root.addNode('aliases').setString('serial0', UART_PATH);

  root
    .addNode(`memory@${hex(RAM_BASE)}`)
    .setString('device_type', 'memory')
    .setU32Array('reg', reg({ base: RAM_BASE, size: desc.ramSize }));

  const intcs = addCpus(fdt, desc);
  addSoc(fdt, desc, intcs);
  return fdt;
}

/** Serialized DTB for the description. */
export function buildDeviceTree(desc: RiscvMachineDescription): Uint8Array {
  return buildDeviceTreeNodes(desc).toBytes();
}

/**
 * "rv64imafdc_zicsr_sstc" -> ["i", "m", "a", "f", "d", "c", "zicsr", "sstc"]; undefined when the
 * string is not a plain rv64 ISA string (then only riscv,isa is emitted).
 */
export function isaExtensionList(isa: string): string[] | undefined {
  const match = /^rv64([a-z]+)((?:_[a-z][a-z0-9]*)*)$/.exec(isa);
  const singles = match?.[1];
  // "g" abbreviates several extensions; such strings keep only riscv,isa.
  if (!match || !singles || singles.includes('g')) return undefined;
  const multi = (match[2] ?? '').split('_').filter((s) => s !== '');
  return [...new Set([...singles, ...multi])];
}

/** /cpus; returns the phandle of each hart's local interrupt controller. */
function addCpus(fdt: FdtBuilder, desc: RiscvMachineDescription): number[] {
  const cpus = fdt.root.addNode('cpus');
  cpus.setU32('#address-cells', 1).setU32('#size-cells', 0);
  cpus.setU32('timebase-frequency', TIMEBASE_HZ);
  const intcs: number[] = [];
  for (let hart = 0; hart < desc.harts; hart++) {
    const cpu = cpus.addNode(`cpu@${hart}`);
    cpu.setString('device_type', 'cpu').setU32('reg', hart).setString('status', 'okay');
    cpu.setString('compatible', 'riscv');
    const isa = desc.isa ?? DEFAULT_RISCV_ISA;
    cpu.setString('riscv,isa', isa);
    const extensions = isaExtensionList(isa);
    if (extensions) {
      cpu.setString('riscv,isa-base', 'rv64i');
      cpu.setStringList('riscv,isa-extensions', extensions);
    }
    cpu.setString('mmu-type', desc.mmuType ?? 'riscv,sv39');
    const intc = cpu.addNode('interrupt-controller');
    intc.setU32('#address-cells', 0).setU32('#interrupt-cells', 1);
    intc.setEmpty('interrupt-controller');
    intc.setString('compatible', 'riscv,cpu-intc');
    intcs.push(fdt.allocatePhandle(intc));
  }
  return intcs;
}

function addSoc(fdt: FdtBuilder, desc: RiscvMachineDescription, intcs: readonly number[]): void {
  const soc = fdt.root.addNode('soc');
  soc.setU32('#address-cells', 2).setU32('#size-cells', 2);
  soc.setString('compatible', 'simple-bus').setEmpty('ranges');

  const test = soc.addNode(`test@${hex(TEST_FINISHER.base)}`);
  test.setStringList('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  test.setU32Array('reg', reg(TEST_FINISHER));
  const testPhandle = fdt.allocatePhandle(test);
  addSysconAction(fdt.root, 'poweroff', 'syscon-poweroff', testPhandle, FINISHER_PASS);
  addSysconAction(fdt.root, 'reboot', 'syscon-reboot', testPhandle, FINISHER_RESET);

  const clint = soc.addNode(`clint@${hex(CLINT.base)}`);
  clint.setStringList('compatible', ['sifive,clint0', 'riscv,clint0']);
  clint.setU32Array('reg', reg(CLINT));
  clint.setU32Array(
    'interrupts-extended',
    intcs.flatMap((intc) => [intc, CLINT_M_SOFTWARE, intc, CLINT_M_TIMER]),
  );

  // Context 2h is hart h's M-mode, 2h + 1 its S-mode: the order of interrupts-extended.
  const plic = soc.addNode(`plic@${hex(PLIC.base)}`);
  plic.setStringList('compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  plic.setU32Array('reg', reg(PLIC));
  plic.setU32('#address-cells', 0).setU32('#interrupt-cells', 1);
  plic.setEmpty('interrupt-controller');
  plic.setU32('riscv,ndev', PLIC_SOURCES);
  plic.setU32Array(
    'interrupts-extended',
    intcs.flatMap((intc) => [intc, INTC_M_EXTERNAL, intc, INTC_S_EXTERNAL]),
  );
  const plicPhandle = fdt.allocatePhandle(plic);

  const serial = soc.addNode(`serial@${hex(UART.base)}`);
  serial.setString('compatible', 'ns16550a');
  serial.setU32Array('reg', reg(UART));
  serial.setU32('clock-frequency', UART_CLOCK_HZ);
  serial.setU32('reg-shift', 0).setU32('reg-io-width', 1);
  serial.setU32('interrupts', UART_IRQ).setU32('interrupt-parent', plicPhandle);

  for (const slot of [...desc.virtioSlots].sort((a, b) => a - b)) {
    const region = virtioMmioSlot(slot);
    const node = soc.addNode(`virtio_mmio@${hex(region.base)}`);
    node.setString('compatible', 'virtio,mmio');
    node.setU32Array('reg', reg(region));
    node.setU32('interrupts', region.irq).setU32('interrupt-parent', plicPhandle);
  }
}

function addSysconAction(
  root: FdtNode,
  name: string,
  compatible: string,
  regmap: number,
  value: number,
): void {
  const node = root.addNode(name);
  node.setString('compatible', compatible);
  node.setU32('regmap', regmap).setU32('offset', 0).setU32('value', value);
}
