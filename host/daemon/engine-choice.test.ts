import { describe, expect, it } from 'vitest';
import { EngineUnavailableError, decideEngineChoice } from './engine-choice';
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

  it('--engine wasm needs no probe', () => {
    expect(decideEngineChoice('wasm', undefined).kind).toBe('wasm');
  });
});
