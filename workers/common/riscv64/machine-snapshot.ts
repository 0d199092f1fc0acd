/**
 * Snapshots of a paused riscv64 machine: a state file (machine, hart state blocks, every device)
 * and a memory file (guest RAM), both in core's checksummed container. Restoring builds a fresh
 * machine from the saved configuration and overwrites it; anything that does not match — wrong
 * arch, RAM size, hart count, device set, a memory file from another snapshot — is refused before
 * the new machine runs a single instruction.
 */
import { HART_STATE_BASE, HART_STRIDE } from '../../../cpu/layout/wasm-memory';
import { HS_CONTROL, HS_IN_WFI } from '../../../cpu/layout/hart-state';
import { guestRam } from '../../../cpu/loader';
import type { VmConfig } from '../../../core/api/types';
import { crc32, SnapshotError, SnapshotReader, SnapshotWriter } from '../../../core/snapshot';
import { decodeSnapshot, encodeSnapshot } from '../../../core/snapshot/container';
import { BlockDevice } from '../../../core/devices/virtio/blk/device';
import { restoreBlock, saveBlock, type BlockState } from '../../../core/devices/virtio/blk/persist';
import { restoreRng, saveRng, type RngState } from '../../../core/devices/virtio/rng/persist';
import { NetDevice } from '../../../core/devices/virtio/net/device';
import { restoreNet, saveNet, type NetState } from '../../../core/devices/virtio/net/persist';
import type { PlicState } from '../../../core/arch/riscv64/plic-state';
import type { UartState } from '../../../core/devices/serial';
import type { BootTimerState } from '../../../core/devices/boot-timer/boot-timer';
import { KINDLING_VERSION } from '../../../core/version';
import type { Riscv64Machine } from './riscv64-machine';
import type { HsmStateId } from '../../../core/arch/riscv64/sbi/sbi-constants';

const ARCH = 'riscv64';

interface MachineSection {
  config: VmConfig;
  vcpus: number;
  ramBytes: number;
  clockTicks: number;
  hsm: HsmStateId[];
  virtio: string[];
  /** Binds the memory file to this state file. */
  memoryCrc32: number;
}

export function encodeMachineSnapshot(
  machine: Riscv64Machine,
  config: VmConfig,
): { state: Uint8Array; memory: Uint8Array } {
  if (machine.state !== 'paused')
    throw new SnapshotError('pause the microVM before taking a snapshot');
  const ram = guestRam(machine.memory, machine.ramBytes);
  const memoryCrc32 = crc32(ram);
  const section: MachineSection = {
    config,
    vcpus: machine.spec.vcpus,
    ramBytes: machine.ramBytes,
    clockTicks: machine.clock.ticks(),
    hsm: Array.from({ length: machine.spec.vcpus }, (_, h) => machine.table.status(h)),
    virtio: machine.virtio.map((v) => v.name),
    memoryCrc32,
  };
  const writer = new SnapshotWriter(ARCH).setMachine(section);
  writer.setCpus(
    Array.from({ length: machine.spec.vcpus }, (_, h) =>
      new Uint8Array(machine.memory.buffer, HART_STATE_BASE + h * HART_STRIDE, HART_STRIDE).slice(),
    ),
  );
  writer.setDevice('uart', machine.uart.save());
  writer.setDevice('plic', machine.plic.saveState());
  writer.setDevice('boot-timer', machine.bootTimer.save());
  for (const { name, transport } of machine.virtio) {
    const device = transport.device;
    writer.setDevice(
      name,
      device instanceof BlockDevice
        ? saveBlock(device, transport)
        : device instanceof NetDevice
          ? saveNet(device, transport)
          : saveRng(transport),
    );
  }
  const memory = encodeSnapshot(
    { kindlingVersion: KINDLING_VERSION, arch: ARCH },
    new Map([['memory', ram.slice()]]),
  );
  return { state: writer.encode(Date.now()), memory };
}

export interface DecodedMachineSnapshot {
  config: VmConfig;
  /** Overwrites a freshly built (never started) machine with the saved state. */
  apply(machine: Riscv64Machine): void;
}

/** Decodes and cross-checks both files; throws SnapshotError and returns nothing partial. */
export function decodeMachineSnapshot(
  stateBytes: Uint8Array,
  memoryBytes: Uint8Array,
): DecodedMachineSnapshot {
  const reader = SnapshotReader.decode(stateBytes, ARCH);
  const section = reader.machine as MachineSection;
  if (
    typeof section !== 'object' ||
    section === null ||
    !Array.isArray(section.hsm) ||
    typeof section.config !== 'object'
  ) {
    throw new SnapshotError('snapshot "machine" section is malformed');
  }
  const { sections } = decodeSnapshot(memoryBytes, { requiredSections: ['memory'] });
  const ram = sections.get('memory')!;
  if (ram.length !== section.ramBytes) {
    throw new SnapshotError(
      `memory file holds ${ram.length} bytes, the snapshot expects ${section.ramBytes}`,
    );
  }
  if (crc32(ram) !== section.memoryCrc32) {
    throw new SnapshotError('the memory file does not belong to this snapshot (checksum differs)');
  }
  if (
    reader.cpus.length !== section.vcpus ||
    !reader.cpus.every((c) => c instanceof Uint8Array && c.length === HART_STRIDE)
  ) {
    throw new SnapshotError('snapshot "cpu" section does not match the hart count');
  }
  return {
    config: section.config,
    apply(machine) {
      if (machine.state !== 'created')
        throw new SnapshotError('restore needs a machine that has not started');
      if (machine.ramBytes !== section.ramBytes || machine.spec.vcpus !== section.vcpus) {
        throw new SnapshotError(
          'the rebuilt machine differs from the snapshot (RAM size or vCPU count)',
        );
      }
      const names = machine.virtio.map((v) => v.name).join(',');
      if (names !== section.virtio.join(',')) {
        throw new SnapshotError(
          `devices differ: snapshot has [${section.virtio.join(', ')}], machine has [${names}]`,
        );
      }
      guestRam(machine.memory, machine.ramBytes).set(ram);
      reader.cpus.forEach((block, h) => {
        const base = HART_STATE_BASE + h * HART_STRIDE;
        new Uint8Array(machine.memory.buffer, base, HART_STRIDE).set(block as Uint8Array);
        // Thread-control words describe the old threads, not the guest.
        const words = new Int32Array(machine.memory.buffer, base, HART_STRIDE / 4);
        words[HS_CONTROL >> 2] = 0;
        words[HS_IN_WFI >> 2] = 0;
      });
      section.hsm.forEach((status, h) => machine.table.restoreStatus(h, status));
      machine.uart.restore(reader.device('uart') as UartState);
      machine.bootTimer.restore(reader.device('boot-timer') as BootTimerState);
      for (const { name, transport } of machine.virtio) {
        const state = reader.device(name);
        if (transport.device instanceof BlockDevice)
          restoreBlock(transport.device, transport, state as BlockState);
        else if (transport.device instanceof NetDevice) {
          restoreNet(transport.device, transport, state as NetState);
        } else restoreRng(transport, state as RngState);
      }
      machine.plic.restoreState(reader.device('plic') as PlicState); // last: re-announces SEIP/MEIP
      machine.clock.setTicks(section.clockTicks);
      machine.markRestored();
    },
  };
}
