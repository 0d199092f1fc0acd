/**
 * Measured facts about this machine's /dev/kvm (documented in PVM.md). Assertions that only hold
 * under kvm_pvm run only when kvm_pvm is detected; the rest hold on any KVM host.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decideEngine, gatherHostFacts, REQUIRED_CAPABILITIES } from '../engine/probe';
import { readTestGuest, TEST_GUESTS, type TestGuestName } from '../test-guests/test-guests';
import { kvmUnavailableReason } from './kvm-availability';
import { KVM_CAP } from './kvm-constants';
import { EFD_NONBLOCK, closeFd, eventfd, readFd, writeFd } from './libc';
import { KvmSystem } from './kvm-system';
import { collectConsole } from './test-support/guest-console';
import { X86Machine } from './x86-machine';

const unavailable = kvmUnavailableReason();
if (unavailable) console.log(`skipping /dev/kvm facts: ${unavailable}`);
const facts = gatherHostFacts();
const isPvm = existsSync('/sys/module/kvm_pvm') && facts.cpuVirtFlags.length === 0;
if (!unavailable && !isPvm) console.log('kvm_pvm not detected: PVM-specific assertions skipped');

const CPUID_1_ECX = { popcnt: 1 << 23, xsave: 1 << 26, sse42: 1 << 20, hypervisor: 1 << 31 };

describe.skipIf(unavailable !== undefined)('/dev/kvm on this host', () => {
  const system = unavailable ? undefined : KvmSystem.open();
  const machines: X86Machine[] = [];
  afterAll(async () => {
    await Promise.all(machines.map((m) => m.close()));
    system?.close();
  });
  const kvm = (): KvmSystem => system as KvmSystem;
  const boot = (name: TestGuestName, inKernelIrqchip = false): X86Machine => {
    const guest = TEST_GUESTS[name];
    const machine = X86Machine.create(kvm(), {
      name,
      memoryBytes: 2 << 20,
      image: readTestGuest(name),
      loadAddress: guest.loadAddress,
      mode: guest.mode,
      inKernelIrqchip,
    });
    machines.push(machine);
    return machine;
  };

  it('offers every capability the VMM requires', () => {
    const caps = kvm().capabilities();
    console.log(`KVM_CHECK_EXTENSION: ${JSON.stringify(caps)}`);
    for (const name of REQUIRED_CAPABILITIES) expect(caps[name], name).toBeGreaterThan(0);
    expect(kvm().checkExtension(KVM_CAP.NR_MEMSLOTS)).toBeGreaterThan(1);
  });

  it('decides the engine from the host facts', () => {
    const decision = decideEngine(facts);
    console.log(`engine decision: ${decision.engine} (${decision.reason})`);
    expect(decision.kvmUsableForSmallGuests).toBe(true);
    expect(decision.engine).toBe(facts.cpuVirtFlags.length > 0 ? 'kvm' : 'wasm');
  });

  it.skipIf(!isPvm)(
    'kvm_pvm: the supported CPUID hides POPCNT, SSE4.2 and XSAVE but sets "hypervisor"',
    () => {
      const leaf1 = kvm()
        .supportedCpuid()
        .find((e) => e.function === 1 && e.index === 0);
      expect(leaf1).toBeDefined();
      const ecx = leaf1?.ecx ?? 0;
      console.log(`supported CPUID.1:ECX = 0x${ecx.toString(16)}`);
      expect(ecx & CPUID_1_ECX.popcnt).toBe(0);
      expect(ecx & CPUID_1_ECX.sse42).toBe(0);
      expect(ecx & CPUID_1_ECX.xsave).toBe(0);
      expect(ecx & CPUID_1_ECX.hypervisor).not.toBe(0);
    },
  );

  it.skipIf(!isPvm)(
    'kvm_pvm: a non-PVM guest runs in the instruction emulator, so POPCNT is an emulation failure',
    async () => {
      const reason = boot('popcntProbe').runOnCallingThread();
      expect(reason.kind).toBe('internal-error');
      expect(reason.message).toMatch(/internal error 1 \(instruction emulation failed\)/);
    },
  );

  it.skipIf(isPvm)('hardware KVM: POPCNT runs natively', async () => {
    const machine = boot('popcntProbe');
    const output = collectConsole(machine.console);
    expect(machine.runOnCallingThread().kind).toBe('halted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output.text()).toBe('popcnt ok\n');
  });

  it('a port ioeventfd counts guest writes without exits reaching the VMM', async () => {
    const machine = boot('realModeHello');
    const output = collectConsole(machine.console);
    const fd = eventfd(0, EFD_NONBLOCK);
    try {
      machine.vm.assignIoeventfd(0x3f8, 1, fd, true);
      const reason = machine.runOnCallingThread();
      expect(reason.kind).toBe('halted');
      expect(reason.exits).toBe(1); // only the HLT
      expect(output.text()).toBe('');
      const counter = new Uint8Array(8);
      expect(readFd(fd, counter)).toBe(8);
      expect(new DataView(counter.buffer).getBigUint64(0, true)).toBe(
        BigInt('hello from real mode\n'.length),
      );
    } finally {
      closeFd(fd);
    }
  });

  it('with the in-kernel irqchip + PIT, HLT sleeps inside KVM and a kick still stops the vCPU', async () => {
    const machine = boot('realModeHello', true);
    const output = collectConsole(machine.console);
    const stopped = machine.start();
    await output.waitFor('hello from real mode\n');
    const early = await Promise.race([
      stopped,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
    ]);
    expect(early).toBeUndefined();
    const reason = await machine.stop();
    expect(reason.kind).toBe('stop-requested');
  });

  it('the in-kernel PIC + PIT deliver timer interrupts and an irqfd raises GSI 5', async () => {
    const machine = boot('interrupts', true);
    const output = collectConsole(machine.console);
    const fd = eventfd(0, EFD_NONBLOCK);
    try {
      machine.vm.assignIrqfd(fd, 5);
      const stopped = machine.start();
      const started = performance.now();
      await output.waitFor('ready\n');
      console.log(
        `3 PIT ticks delivered ${(performance.now() - started).toFixed(0)} ms after start`,
      );
      expect(output.text()).toBe('start\ntick\ntick\ntick\nready\n');
      const one = new Uint8Array(8);
      one[0] = 1;
      writeFd(fd, one);
      await output.waitFor('irq5\n');
      expect(output.text()).toBe('start\ntick\ntick\ntick\nready\nirq5\n');
      expect((await machine.stop()).kind).toBe('stop-requested');
      expect((await stopped).kind).toBe('stop-requested');
    } finally {
      machine.vm.deassignIrqfd(fd, 5);
      closeFd(fd);
    }
  });
});
