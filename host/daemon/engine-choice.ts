/**
 * `--engine kvm|wasm|auto`: which engine runs this daemon's microVMs, and why (logged at start).
 * The WASM engine runs riscv64 guests anywhere. KVM would run x86_64 guests, but only on hardware
 * virtualisation (host/engine/probe.ts decides) and only once a KVM `EngineVm` is registered in
 * `KVM_ENGINE` below; until then `--engine kvm` fails with that explanation and `auto` picks WASM.
 */
import { WasmVm } from '../engine/wasm/wasm-vm';
import type { EngineKind, EngineVmFactory } from './engine-vm';

export type EngineFlag = EngineKind | 'auto';

/** What host/engine/probe.ts concluded (or why probing failed). */
export type ProbeOutcome = { engine: 'kvm' | 'wasm'; reason: string } | { error: string };

export interface EngineChoice {
  kind: EngineKind;
  reason: string;
  factory: EngineVmFactory;
}

export class EngineUnavailableError extends Error {}

const WASM_ENGINE: EngineVmFactory = (hooks) => new WasmVm(hooks);

/** The x86_64 KVM engine's factory, when one exists (host/kvm has the hypervisor, not the VMM yet). */
export const KVM_ENGINE: EngineVmFactory | undefined = undefined;

/** Pure decision, unit-tested: the flag, what the probe found, and which engines are built. */
export function decideEngineChoice(
  flag: EngineFlag,
  probe: ProbeOutcome | undefined,
  kvmFactory: EngineVmFactory | undefined = KVM_ENGINE,
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
    if (!kvmUsable) throw new EngineUnavailableError(`--engine kvm: ${probed}`);
    if (!kvmFactory) {
      throw new EngineUnavailableError(
        '--engine kvm: KVM is usable here but this build has no KVM microVM engine wired into the daemon yet; use --engine wasm',
      );
    }
    return { kind: 'kvm', reason: `requested with --engine kvm; ${probed}`, factory: kvmFactory };
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
    probe = { engine: decision.engine, reason: decision.reason };
  } catch (error) {
    probe = { error: error instanceof Error ? error.message : String(error) };
  }
  return decideEngineChoice(flag, probe);
}
