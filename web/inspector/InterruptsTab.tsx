import type { BusEntry } from '../../workers/browser/vmm-api';
import type { UiVm } from '../vm/ui-vm';
import { usePolling } from '../layout/use-polling';
import { hex, interruptBits } from './format';

/** PLIC counters, which device owns which line, and each hart's mip/mie. */
export function InterruptsTab({ vm, bus, live }: { vm: UiVm; bus: BusEntry[]; live: boolean }) {
  const { value } = usePolling(
    async () => {
      const api = vm.api!;
      const metrics = await api.metrics();
      const harts = await Promise.all((metrics?.harts ?? []).map((h) => api.readHartState(h.hart)));
      return { metrics, harts };
    },
    1000,
    live && !!vm.api,
    [vm, vm.api],
  );
  const plic = value?.metrics?.plic;
  return (
    <div className="two-col">
      <div>
        <h4>Interrupt lines (PLIC sources)</h4>
        <table className="data">
          <thead>
            <tr>
              <th>source</th>
              <th>device</th>
            </tr>
          </thead>
          <tbody>
            {bus
              .filter((b) => b.irq !== undefined)
              .sort((a, b) => a.irq! - b.irq!)
              .map((b) => (
                <tr key={b.base}>
                  <td className="num">{b.irq}</td>
                  <td>{b.name}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {plic && (
          <p className="small" data-testid="plic-counters">
            claims {plic.claims} · completes {plic.completes} · empty claims {plic.emptyClaims} ·
            ignored accesses {plic.ignoredAccesses}
          </p>
        )}
      </div>
      <div>
        <h4>Per hart</h4>
        <table className="data">
          <thead>
            <tr>
              <th>hart</th>
              <th>mip (pending)</th>
              <th>mie (enabled)</th>
              <th>taken</th>
            </tr>
          </thead>
          <tbody>
            {(value?.harts ?? []).map((h, i) => (
              <tr key={h.hart}>
                <td className="num">{h.hart}</td>
                <td title={hex(h.csrs.mip ?? 0n)}>{interruptBits(h.csrs.mip ?? 0n)}</td>
                <td title={hex(h.csrs.mie ?? 0n)}>{interruptBits(h.csrs.mie ?? 0n)}</td>
                <td className="num">
                  {(value?.metrics?.harts[i] as { interrupts?: number } | undefined)?.interrupts ??
                    ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
