import { KINDLING_VERSION } from '../version';
import { decodeSnapshot, encodeSnapshot, type SnapshotHeader } from './container';
import { SnapshotError } from './snapshot-error';
import { decodeState, encodeState } from './state-json';

/** The sections every machine snapshot has; `memory` is optional (it may be a separate file). */
export const MACHINE_SECTIONS = ['machine', 'cpu', 'devices'] as const;
export const MEMORY_SECTION = 'memory';

/** What a machine saves: its own state, one state per vCPU, one state per device id. */
export interface MachineSnapshot<M = unknown, C = unknown, D = unknown> {
  arch: string;
  machine: M;
  cpus: C[];
  devices: Record<string, D>;
  /** Guest RAM, when stored in the same file. */
  memory?: Uint8Array;
}

/** Assembles a machine snapshot piece by piece (each device adds its own state). */
export class SnapshotWriter {
  private machine: unknown = null;
  private cpus: unknown[] = [];
  private readonly devices: Record<string, unknown> = {};
  private memory: Uint8Array | undefined;

  constructor(private readonly arch: string) {}

  setMachine(state: unknown): this {
    this.machine = state;
    return this;
  }

  setCpus(states: unknown[]): this {
    this.cpus = states;
    return this;
  }

  setDevice(id: string, state: unknown): this {
    if (Object.hasOwn(this.devices, id)) throw new SnapshotError(`device "${id}" saved twice`);
    this.devices[id] = state;
    return this;
  }

  setMemory(bytes: Uint8Array): this {
    this.memory = bytes;
    return this;
  }

  encode(createdAtMs?: number): Uint8Array {
    const header: SnapshotHeader = { kindlingVersion: KINDLING_VERSION, arch: this.arch };
    if (createdAtMs !== undefined) header.createdAtMs = createdAtMs;
    const sections = new Map<string, Uint8Array>([
      ['machine', encodeState(this.machine)],
      ['cpu', encodeState(this.cpus)],
      ['devices', encodeState(this.devices)],
    ]);
    if (this.memory) sections.set(MEMORY_SECTION, this.memory);
    return encodeSnapshot(header, sections);
  }
}

/** Reads a machine snapshot; every accessor's result is already validated as present. */
export class SnapshotReader {
  private constructor(
    readonly header: SnapshotHeader,
    readonly machine: unknown,
    readonly cpus: readonly unknown[],
    private readonly devices: Readonly<Record<string, unknown>>,
    readonly memory: Uint8Array | undefined,
  ) {}

  /** Decodes and checks everything up front; throws `SnapshotError`, never returns partial. */
  static decode(bytes: Uint8Array, expectedArch?: string): SnapshotReader {
    const { header, sections } = decodeSnapshot(bytes, { requiredSections: MACHINE_SECTIONS });
    if (expectedArch !== undefined && header.arch !== expectedArch) {
      throw new SnapshotError(`snapshot is for ${header.arch}, this machine is ${expectedArch}`);
    }
    const machine = decodeState(sections.get('machine')!);
    const cpus = decodeState(sections.get('cpu')!);
    const devices = decodeState(sections.get('devices')!);
    if (!Array.isArray(cpus)) throw new SnapshotError('snapshot "cpu" section is not a list');
    if (typeof devices !== 'object' || devices === null || Array.isArray(devices)) {
      throw new SnapshotError('snapshot "devices" section is not an object');
    }
    return new SnapshotReader(
      header,
      machine,
      cpus,
      devices as Record<string, unknown>,
      sections.get(MEMORY_SECTION),
    );
  }

  deviceIds(): string[] {
    return Object.keys(this.devices);
  }

  /** The saved state of device `id`; a missing device is an error, not `undefined`. */
  device(id: string): unknown {
    if (!Object.hasOwn(this.devices, id))
      throw new SnapshotError(`snapshot has no state for device "${id}"`);
    return this.devices[id];
  }
}
