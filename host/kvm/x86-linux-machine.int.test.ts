import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk/backend';
import { readFakeKernel } from '../test-guests/test-guests';
import { kvmUnavailableReason } from './kvm-availability';
import { KvmSystem } from './kvm-system';
import { X86LinuxMachine } from './x86-linux-machine';

const unavailable = kvmUnavailableReason();
if (unavailable) console.log(`skipping the fake-kernel boot: ${unavailable}`);

const MIB = 2 ** 20;

function consoleText(machine: X86LinuxMachine): () => string {
  let text = '';
  machine.console.attach((bytes) => (text += Buffer.from(bytes).toString('latin1')));
  return () => text;
}

describe.skipIf(unavailable !== undefined)(
  'Linux boot path on /dev/kvm with the fake kernel',
  () => {
    const system = unavailable ? undefined : KvmSystem.open();
    const machines: X86LinuxMachine[] = [];
    afterAll(async () => {
      await Promise.all(machines.map((m) => m.close()));
      system?.close();
    });

    it('boots like Linux: boot_params, e820, cmdline, MP table and a core virtio-blk device all check out in the guest', async () => {
      const machine = X86LinuxMachine.create(system!, {
        name: 'fake-kernel',
        memoryBytes: 64 * MIB,
        vcpus: 2,
        kernel: readFakeKernel(),
        bootArgs: 'console=ttyS0 reboot=k panic=1',
        drives: [{ id: 'rootfs', backend: new MemoryBlockBackend(new Uint8Array(64 * 1024)) }],
        entropy: true,
        bootTimer: true,
      });
      machines.push(machine);
      const text = consoleText(machine);
      machine.start();
      const stop = await machine.stopped;
      expect(machine.bootTimer.bootTimeUs()).toBeGreaterThan(0);
      const output = text();
      console.log(output);
      expect(output).toContain('fake kernel: 64-bit entry\n');
      expect(output).toContain('e820 entries: 2\n');
      expect(output).toContain('e820: 0x0 0x9fc00 1\n');
      expect(output).toContain(`e820: 0x100000 0x${(63 * MIB).toString(16)} 1\n`);
      expect(output).toContain(
        'cmdline: console=ttyS0 reboot=k panic=1 kindling.boot_timer=0xd0000000 virtio_mmio.device=4K@0xd0001000:5 virtio_mmio.device=4K@0xd0002000:6\n',
      );
      expect(output).toContain('mp: checksums ok, cpus 2\n');
      expect(output).toContain('virtio-mmio at 0xd0001000\n');
      expect(output).toContain('virtio: magic ok, version 2, device id 2\n');
      expect(output).toContain('boot timer signalled\nPASS\n');
      expect(output).not.toContain('FAIL');
      expect(stop).toEqual({ kind: 'reboot', message: 'the guest reset through the i8042' });
      // The status write reached core's transport (and the guest's reset write after it).
      expect(machine.metrics().exits.answered[0]).toBeGreaterThan(100);
    });

    it('stops the VM with a clear reason when the kernel faults (UD2 at the 64-bit entry, no IDT)', async () => {
      const kernel = readFakeKernel().slice();
      kernel.set([0x0f, 0x0b], 0x400 + 0x200); // protected-mode kernel starts after 1 setup sector
      const machine = X86LinuxMachine.create(system!, {
        name: 'faulting-kernel',
        memoryBytes: 32 * MIB,
        vcpus: 1,
        kernel,
      });
      machines.push(machine);
      machine.start();
      const stop = await machine.stopped;
      expect(stop.kind).toBe('fault');
      expect(stop.message).toMatch(/vCPU 0: guest triple-faulted/);
    });

    it('pauses and resumes a running guest', async () => {
      const machine = X86LinuxMachine.create(system!, {
        name: 'pause',
        memoryBytes: 32 * MIB,
        vcpus: 1,
        kernel: readFakeKernel(),
        bootArgs: 'console=ttyS0 fake.wait',
        entropy: true,
      });
      machines.push(machine);
      const text = consoleText(machine);
      machine.start();
      while (!text().includes('waiting for a console byte'))
        await new Promise((r) => setTimeout(r, 20));
      await machine.pause();
      expect(machine.machineState).toBe('paused');
      const exitsWhilePaused = machine.metrics().exits.answered[0];
      await new Promise((r) => setTimeout(r, 100));
      // A parked vCPU makes no exits (the guest polls COM1 in a loop while it runs).
      expect(machine.metrics().exits.answered[0]).toBe(exitsWhilePaused);
      machine.resume();
      machine.console.write(Uint8Array.of(0x71));
      expect(await machine.stopped).toMatchObject({ kind: 'reboot' });
      expect(text()).toContain('console byte: q\n');
    });

    it('refuses kernels that need more RAM than the VM has', () => {
      expect(() =>
        X86LinuxMachine.create(system!, {
          name: 'small',
          memoryBytes: MIB + 64 * 1024, // the fake kernel's init_size needs 1 MiB + 128 KiB
          vcpus: 1,
          kernel: readFakeKernel(),
        }),
      ).toThrow(/needs RAM/);
    });

    it('refuses a kernel that is neither a bzImage nor a PVH ELF, and frees the VM', () => {
      expect(() =>
        X86LinuxMachine.create(system!, {
          name: 'garbage',
          memoryBytes: 64 * MIB,
          vcpus: 1,
          kernel: new Uint8Array(4096).fill(0x90),
        }),
      ).toThrow(/not a bzImage/);
    });
  },
);
