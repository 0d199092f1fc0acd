/**
 * The x86 test guests built by build.sh: where each flat binary is, where it must be loaded and in
 * which CPU mode the VMM must enter it.
 */
import { readFileSync } from 'node:fs';
import type { CpuMode } from '../kvm/x86-boot-state';

export interface TestGuest {
  readonly file: string;
  readonly loadAddress: number;
  readonly mode: CpuMode;
}

const REAL_MODE_LOAD = 0x1000;
/** 1 MiB: where 32- and 64-bit guests (and Linux's protected-mode kernel) are loaded. */
const LONG_MODE_LOAD = 0x100000;

export const TEST_GUESTS = {
  /** Prints "hello from real mode\n", then HLT. */
  realModeHello: { file: 'real-mode-hello.bin', loadAddress: REAL_MODE_LOAD, mode: 'real' },
  /** Entered in 32-bit protected mode; prints "hello from protected mode\n", then HLT. */
  protectedModeHello: {
    file: 'protected-mode-hello.bin',
    loadAddress: LONG_MODE_LOAD,
    mode: 'protected',
  },
  /** Switches real → protected → long mode itself, prints "hello from long mode\n", then HLT. */
  modeSwitch: { file: 'mode-switch.bin', loadAddress: REAL_MODE_LOAD, mode: 'real' },
  /** Entered in long mode; prints, exercises the register file at 0xd0000000, prints "mmio ok\n". */
  longModeMmio: { file: 'long-mode-mmio.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** Prints "touching unmapped memory\n", then writes 0xdeadbeef to 0xe0000000 (nothing there). */
  unmappedAccess: { file: 'unmapped-access.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** Prints "!", loads an empty IDT and executes UD2: triple fault. */
  tripleFault: { file: 'triple-fault.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** Prints "spinning\n", then increments RAX forever without exiting. */
  busyLoop: { file: 'busy-loop.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** "go\n", 10000 one-byte writes to port 0x80, then "done\n" and HLT. */
  portIoLoop: { file: 'port-io-loop.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** POPCNT then "popcnt ok\n": fails under kvm_pvm, whose emulator lacks POPCNT. */
  popcntProbe: { file: 'popcnt-probe.bin', loadAddress: LONG_MODE_LOAD, mode: 'long' },
  /** In-kernel PIC + PIT: prints "start\n", "tick\n" ×3, "ready\n", then "irq5\n" per GSI 5 edge. */
  interrupts: { file: 'interrupts.bin', loadAddress: REAL_MODE_LOAD, mode: 'real' },
} as const satisfies Record<string, TestGuest>;

export type TestGuestName = keyof typeof TEST_GUESTS;

/** Base of the register file the long-mode MMIO guest talks to, and what it expects there. */
export const MMIO_GUEST_REGISTERS = { base: 0xd0000000, size: 0x1000 } as const;
export const UNMAPPED_GUEST_ADDRESS = 0xe0000000;
export const PORT_IO_LOOP_ITERATIONS = 10000;

export function readTestGuest(name: TestGuestName): Uint8Array {
  return readFileSync(new URL(`./${TEST_GUESTS[name].file}`, import.meta.url));
}

/**
 * A bzImage-shaped "fake kernel" (fake-kernel.S) for the Linux boot path: it checks boot_params, the
 * e820 map, the command line, the MP table and the first virtio-mmio device announced on the command
 * line from inside the guest, prints "PASS" and resets through the i8042.
 */
export const FAKE_KERNEL_FILE = 'fake-kernel.bin';
export const FAKE_KERNEL_PATH = new URL(`./${FAKE_KERNEL_FILE}`, import.meta.url);

export function readFakeKernel(): Uint8Array {
  return readFileSync(FAKE_KERNEL_PATH);
}
