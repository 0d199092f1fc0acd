/**
 * `--engine kvm|wasm|auto`: which engine runs this daemon's microVMs, and why (logged at start).
 * The WASM engine runs riscv64 guests anywhere. The KVM engine (host/engine/kvm/) runs x86_64 Linux
 * guests, but only where host/engine/probe.ts finds hardware virtualisation: on kvm_pvm hosts
 * `--engine kvm` fails with the probe's reason and `auto` picks WASM.
 *
 * Test-only override: with KINDLING_KVM_ALLOW_SMALL_GUESTS=1 in the environment, `--engine kvm` is
 * accepted on a /dev/kvm that the probe found usable for small guests only (kvm_pvm), so the
 * daemon's KVM path can be tested here with our own test guests (host/test-guests/fake-kernel.bin).
 * An unmodified Linux kernel still fails there. `auto` ignores the override.
 */
import { KvmEngineVm } from '../engine/kvm/kvm-engine-vm';
import { WasmVm } from '../engine/wasm/wasm-vm';
import type { EngineKind, EngineVmFactory } from './engine-vm';

export type EngineFlag = EngineKind | 'auto';

/** What host/engine/probe.ts concluded (or why probing failed). */
export type ProbeOutcome =
  { engine: 'kvm' | 'wasm'; reason: string; kvmUsableForSmallGuests?: boolean } | { error: string };

export interface EngineChoice {
  kind: EngineKind;
  reason: string;
  factory: EngineVmFactory;
}

export class EngineUnavailableError extends Error {}

/** Environment variable of the test-only override described above. */
export const ALLOW_SMALL_GUESTS_ENV = 'KINDLING_KVM_ALLOW_SMALL_GUESTS';

const WASM_ENGINE: EngineVmFactory = (hooks) => new WasmVm(hooks);

/** The x86_64 KVM engine's factory. */
export const KVM_ENGINE: EngineVmFactory | undefined = (hooks) => new KvmEngineVm(hooks);

/** Pure decision, unit-tested: the flag, what the probe found, and which engines are built. */
export function decideEngineChoice(
  flag: EngineFlag,
  probe: ProbeOutcome | undefined,
  kvmFactory?: EngineVmFactory,
  allowSmallGuestsOnly = false,
): EngineChoice {
  const wasm = (reason: string): EngineChoice => ({ kind: 'wasm', reason, factory: WASM_ENGINE });
  if (flag === 'wasm') return wasm('requested with --engine wasm (riscv64 guests)');
  const probed =
    probe === undefined
      ? 'KVM was not probed'
      : 'error' in probe
        ? `probing KVM failed: ${probe.error}`
        : probe.reason;
  const kvmUsable = probe !== undefined && 'engine' in probe && probe.engine === 'kvm';
  if (flag === 'kvm') {
    const smallGuestsOnly =
      probe !== undefined && 'engine' in probe && probe.kvmUsableForSmallGuests === true;
    if (!kvmUsable && !(allowSmallGuestsOnly && smallGuestsOnly))
      throw new EngineUnavailableError(`--engine kvm: ${probed}`);
    if (!kvmFactory) {
      throw new EngineUnavailableError(
        '--engine kvm: KVM is usable here but this build has no KVM microVM engine wired into the daemon yet; use --engine wasm',
      );
    }
    const why = kvmUsable
      ? `requested with --engine kvm; ${probed}`
      : `requested with --engine kvm and ${ALLOW_SMALL_GUESTS_ENV}=1 (tests only: small guests, no unmodified Linux); ${probed}`;
    return { kind: 'kvm', reason: why, factory: kvmFactory };
  }
  if (kvmUsable && kvmFactory)
    return { kind: 'kvm', reason: `auto: ${probed}`, factory: kvmFactory };
  const why = kvmUsable ? `${probed}, but no KVM microVM engine is wired in yet` : probed;
  return wasm(`auto: ${why}; WASM runs riscv64 guests`);
}

/** Probes only when the flag needs it (loading the KVM bindings costs startup time). */
export async function chooseEngine(flag: EngineFlag): Promise<EngineChoice> {
  if (flag === 'wasm') return decideEngineChoice(flag, undefined);
  let probe: ProbeOutcome;
  try {
    const { probeEngine } = await import('../engine/probe');
    const decision = probeEngine();
    probe = {
      engine: decision.engine,
      reason: decision.reason,
      kvmUsableForSmallGuests: decision.kvmUsableForSmallGuests,
    };
  } catch (error) {
    probe = { error: error instanceof Error ? error.message : String(error) };
  }
  return decideEngineChoice(flag, probe, KVM_ENGINE, process.env[ALLOW_SMALL_GUESTS_ENV] === '1');
}
