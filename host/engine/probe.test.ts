import { describe, expect, it } from 'vitest';
import { cpuVirtFlagsOf, decideEngine, type HostFacts } from './probe';

const HEALTHY: HostFacts = {
  cpuVirtFlags: ['vmx'],
  pvmLoaded: false,
  kvmError: undefined,
  missingCapabilities: [],
};

describe('engine probe', () => {
  it('reads vmx/svm from the flags line of /proc/cpuinfo', () => {
    expect(cpuVirtFlagsOf('processor\t: 0\nflags\t\t: fpu vme svm lm\nbugs\t: x\n')).toEqual([
      'svm',
    ]);
    expect(cpuVirtFlagsOf('flags\t\t: fpu hypervisor lm\n')).toEqual([]);
    expect(cpuVirtFlagsOf('')).toEqual([]);
  });

  it('chooses kvm when /dev/kvm works and the CPU has hardware virtualisation', () => {
    expect(decideEngine(HEALTHY)).toMatchObject({ engine: 'kvm', kvmUsableForSmallGuests: true });
  });

  it('chooses wasm under kvm_pvm and says why', () => {
    const decision = decideEngine({ ...HEALTHY, cpuVirtFlags: [], pvmLoaded: true });
    expect(decision.engine).toBe('wasm');
    expect(decision.kvmUsableForSmallGuests).toBe(true);
    expect(decision.reason).toBe(
      '/dev/kvm is kvm_pvm (no vmx/svm): it runs small guests but not an unmodified Linux kernel',
    );
  });

  it('chooses wasm when /dev/kvm cannot be opened or lacks capabilities', () => {
    const closed = decideEngine({
      ...HEALTHY,
      kvmError: 'open(/dev/kvm) failed: No such file or directory (errno 2)',
    });
    expect(closed).toMatchObject({ engine: 'wasm', kvmUsableForSmallGuests: false });
    expect(closed.reason).toContain('No such file');
    const lacking = decideEngine({ ...HEALTHY, missingCapabilities: ['IRQFD', 'IOEVENTFD'] });
    expect(lacking).toMatchObject({ engine: 'wasm', reason: '/dev/kvm lacks IRQFD, IOEVENTFD' });
  });
});
