import { afterAll, describe, expect, it } from 'vitest';
import type { BusDevice } from '../../core/bus/bus-device';
import {
  MMIO_GUEST_REGISTERS,
  PORT_IO_LOOP_ITERATIONS,
  readTestGuest,
  TEST_GUESTS,
  UNMAPPED_GUEST_ADDRESS,
  type TestGuestName,
} from '../test-guests/test-guests';
import { kvmUnavailableReason } from './kvm-availability';
import { KvmSystem } from './kvm-system';
import { collectConsole, type GuestConsole } from './test-support/guest-console';
import { X86Machine, type MmioDeviceMapping } from './x86-machine';

const unavailable = kvmUnavailableReason();
if (unavailable) console.log(`skipping KVM test guests: ${unavailable}`);

const MEMORY = 2 << 20;
const VIRTIO_MAGIC = 0x74726976;

/** A register file like a virtio-mmio header: +0 reads the magic, every write is recorded. */
class RegisterFile implements BusDevice {
  readonly writes: { offset: number; value: bigint; size: number }[] = [];
  private readonly stored = new Map<number, Uint8Array>();

  read(offset: number, data: Uint8Array): void {
    if (offset === 0)
      new DataView(data.buffer, data.byteOffset, data.length).setUint32(0, VIRTIO_MAGIC, true);
    else data.set(this.stored.get(offset)?.subarray(0, data.length) ?? new Uint8Array(data.length));
  }

  write(offset: number, data: Uint8Array): void {
    const padded = new Uint8Array(8);
    padded.set(data);
    this.writes.push({
      offset,
      value: new DataView(padded.buffer).getBigUint64(0, true),
      size: data.length,
    });
    this.stored.set(offset, Uint8Array.from(data));
  }
}

const consoleText = (machine: X86Machine): GuestConsole => collectConsole(machine.console);
/** Lets console stream events emitted during a synchronous run reach their listeners. */
const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe.skipIf(unavailable !== undefined)('x86 test guests on /dev/kvm', () => {
  const system = unavailable ? undefined : KvmSystem.open();
  const machines: X86Machine[] = [];
  afterAll(async () => {
    await Promise.all(machines.map((m) => m.close()));
    system?.close();
  });

  function boot(name: TestGuestName, mmioDevices: MmioDeviceMapping[] = []): X86Machine {
    const guest = TEST_GUESTS[name];
    const machine = X86Machine.create(system as KvmSystem, {
      name,
      memoryBytes: MEMORY,
      image: readTestGuest(name),
      loadAddress: guest.loadAddress,
      mode: guest.mode,
      mmioDevices,
    });
    machines.push(machine);
    return machine;
  }

  it('runs a real-mode guest: its port-I/O output reaches the console stream and HLT stops the vCPU', async () => {
    const machine = boot('realModeHello');
    const console_ = consoleText(machine);
    const reason = await machine.start();
    expect(console_.text()).toBe('hello from real mode\n');
    expect(reason.kind).toBe('halted');
    // HLT leaves RIP after the instruction: inside the image, past the output loop.
    const rip = Number(machine.vcpu.getRegs().rip);
    expect(rip).toBeGreaterThan(TEST_GUESTS.realModeHello.loadAddress);
    expect(rip).toBeLessThan(
      TEST_GUESTS.realModeHello.loadAddress + readTestGuest('realModeHello').length,
    );
  });

  it('enters a guest directly in 32-bit protected mode', async () => {
    const machine = boot('protectedModeHello');
    const console_ = consoleText(machine);
    const reason = machine.runOnCallingThread();
    await flushed();
    expect(console_.text()).toBe('hello from protected mode\n');
    expect(reason.kind).toBe('halted');
    expect(machine.vcpu.getSregs().cs).toMatchObject({ selector: 0x10, db: 1, l: 0 });
  });

  it('runs a guest that switches itself from real to protected to long mode', async () => {
    const machine = boot('modeSwitch');
    const console_ = consoleText(machine);
    const reason = machine.runOnCallingThread();
    await flushed();
    expect(console_.text()).toBe('hello from long mode\n');
    expect(reason.kind).toBe('halted');
    const sregs = machine.vcpu.getSregs();
    expect(sregs.efer & 0x500n).toBe(0x500n); // LME | LMA: the guest is in long mode
    expect(sregs.cs.l).toBe(1);
  });

  it('enters a guest directly in 64-bit mode whose MMIO reads and writes reach a BusDevice', async () => {
    const registers = new RegisterFile();
    const machine = boot('longModeMmio', [{ ...MMIO_GUEST_REGISTERS, device: registers }]);
    const console_ = consoleText(machine);
    const reason = await machine.start();
    expect(console_.text()).toBe('hello from 64-bit mode\nmmio ok\n');
    expect(reason.kind).toBe('halted');
    expect(registers.writes).toEqual([
      { offset: 4, value: BigInt(VIRTIO_MAGIC + 1), size: 4 },
      { offset: 8, value: 0x1122334455667788n, size: 8 },
    ]);
  });

  it('contains a device that throws: the VM stops with the error, the VMM thread goes on', async () => {
    const broken: BusDevice = {
      read: () => {
        throw new Error('register file on fire');
      },
      write: () => undefined,
    };
    const machine = boot('longModeMmio', [{ ...MMIO_GUEST_REGISTERS, device: broken }]);
    const reason = await machine.start();
    expect(reason.kind).toBe('unhandled-mmio');
    expect(reason.message).toContain('0xd0000000');
    expect(reason.message).toContain('the device there threw: register file on fire');
    expect(reason.message).not.toContain('no RAM or device');
  });

  it('stops a triple-faulting guest with a clear reason', async () => {
    const machine = boot('tripleFault');
    const console_ = consoleText(machine);
    const reason = machine.runOnCallingThread();
    await flushed();
    expect(console_.text()).toBe('!');
    expect(reason.kind).toBe('shutdown');
    expect(reason.message).toMatch(/triple-fault/);
  });

  it('stops a guest touching unmapped memory while another VM in the process keeps running', async () => {
    const survivor = boot('busyLoop');
    const survivorConsole = consoleText(survivor);
    const survivorStopped = survivor.start();
    await survivorConsole.waitFor('spinning\n');

    const bad = boot('unmappedAccess');
    const badConsole = consoleText(bad);
    const reason = await bad.start();
    expect(badConsole.text()).toBe('touching unmapped memory\n');
    expect(reason.kind).toBe('unhandled-mmio');
    expect(reason.message).toContain(`0x${UNMAPPED_GUEST_ADDRESS.toString(16)}`);
    expect(reason.message).toMatch(/wrote 4 bytes/);

    // The other VM is unaffected: still running, and a new VM still boots next to it.
    const settled = await Promise.race([
      survivorStopped.then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('running'), 100)),
    ]);
    expect(settled).toBe('running');
    const next = boot('realModeHello');
    const nextConsole = consoleText(next);
    expect((await next.start()).kind).toBe('halted');
    expect(nextConsole.text()).toBe('hello from real mode\n');

    const survivorReason = await survivor.stop();
    expect(survivorReason.kind).toBe('stop-requested');
    expect(survivor.vcpu.getRegs().rax).toBeGreaterThan(0n);
  });

  it('stops a busy-looping vCPU on request by kicking it out of KVM_RUN', async () => {
    const machine = boot('busyLoop');
    const console_ = consoleText(machine);
    const stopped = machine.start();
    await console_.waitFor('spinning\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Registers can only be read once the vCPU is out of KVM_RUN (the ioctl would wait for it).
    const started = performance.now();
    const reason = await machine.stop();
    const stopMs = performance.now() - started;
    const counter = machine.vcpu.getRegs().rax;
    console.log(
      `busy-loop vCPU stopped ${stopMs.toFixed(2)} ms after the request; RAX = ${counter}`,
    );
    expect(reason.kind).toBe('stop-requested');
    expect(await stopped).toEqual(reason);
    expect(stopMs).toBeLessThan(1000);
    expect(counter).toBeGreaterThan(0n);
    const rip = Number(machine.vcpu.getRegs().rip);
    expect(rip).toBeGreaterThanOrEqual(TEST_GUESTS.busyLoop.loadAddress);
    expect(rip).toBeLessThan(TEST_GUESTS.busyLoop.loadAddress + readTestGuest('busyLoop').length);
  });

  it('measures the cost of a port-I/O exit round trip through the mailbox', async () => {
    const machine = boot('portIoLoop');
    const console_ = consoleText(machine);
    const stopped = machine.start();
    await console_.waitFor('go\n');
    const started = performance.now();
    await console_.waitFor('done\n');
    const elapsed = performance.now() - started;
    const reason = await stopped;
    expect(console_.text()).toBe('go\ndone\n');
    expect(reason.kind).toBe('halted');
    expect(reason.exits).toBeGreaterThanOrEqual(PORT_IO_LOOP_ITERATIONS);
    console.log(
      `${PORT_IO_LOOP_ITERATIONS} port-I/O exits in ${elapsed.toFixed(0)} ms: ${((elapsed * 1000) / PORT_IO_LOOP_ITERATIONS).toFixed(1)} µs per exit (KVM_RUN + mailbox round trip)`,
    );
  });
});
