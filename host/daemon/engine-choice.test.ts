import { describe, expect, it } from 'vitest';
import { EngineUnavailableError, KVM_ENGINE, decideEngineChoice } from './engine-choice';
import type { EngineVmFactory } from './engine-vm';

const PVM = { engine: 'wasm' as const, reason: '/dev/kvm is kvm_pvm (no vmx/svm)' };
const HW = { engine: 'kvm' as const, reason: '/dev/kvm with hardware virtualisation (vmx)' };
const fakeKvm: EngineVmFactory = () => {
  throw new Error('not called by the decision');
};

describe('decideEngineChoice', () => {
  it('auto picks WASM on kvm_pvm and says why', () => {
    const choice = decideEngineChoice('auto', PVM, undefined);
    expect(choice.kind).toBe('wasm');
    expect(choice.reason).toContain('kvm_pvm');
  });

  it('auto picks KVM only with hardware virtualisation and a KVM engine built in', () => {
    expect(decideEngineChoice('auto', HW, fakeKvm).kind).toBe('kvm');
    const withoutEngine = decideEngineChoice('auto', HW, undefined);
    expect(withoutEngine.kind).toBe('wasm');
    expect(withoutEngine.reason).toMatch(/no KVM microVM engine/);
    expect(decideEngineChoice('auto', { error: 'koffi failed' }, fakeKvm).reason).toMatch(
      /probing KVM failed: koffi failed/,
    );
  });

  it('--engine kvm fails with the reason when KVM cannot run microVMs here', () => {
    expect(() => decideEngineChoice('kvm', PVM, fakeKvm)).toThrow(EngineUnavailableError);
    expect(() => decideEngineChoice('kvm', PVM, fakeKvm)).toThrow(/kvm_pvm/);
    expect(() => decideEngineChoice('kvm', HW, undefined)).toThrow(/use --engine wasm/);
    expect(decideEngineChoice('kvm', HW, fakeKvm).kind).toBe('kvm');
  });

  it('registers the KVM engine, so auto uses it where the probe says kvm', () => {
    expect(KVM_ENGINE).toBeDefined();
    expect(decideEngineChoice('auto', HW, KVM_ENGINE).kind).toBe('kvm');
    expect(
      decideEngineChoice('auto', { ...PVM, kvmUsableForSmallGuests: true }, KVM_ENGINE).kind,
    ).toBe('wasm');
  });

  it('accepts --engine kvm on kvm_pvm only with the test override, and says so', () => {
    const pvm = { ...PVM, kvmUsableForSmallGuests: true };
    expect(() => decideEngineChoice('kvm', pvm, fakeKvm, false)).toThrow(/kvm_pvm/);
    const forced = decideEngineChoice('kvm', pvm, fakeKvm, true);
    expect(forced.kind).toBe('kvm');
    expect(forced.reason).toMatch(/KINDLING_KVM_ALLOW_SMALL_GUESTS=1 \(tests only/);
    // The override never makes an unusable /dev/kvm usable.
    const broken = { engine: 'wasm' as const, reason: '/dev/kvm unusable: ENOENT' };
    expect(() => decideEngineChoice('kvm', broken, fakeKvm, true)).toThrow(/ENOENT/);
  });

  it('--engine wasm needs no probe', () => {
    expect(decideEngineChoice('wasm', undefined).kind).toBe('wasm');
  });
});
