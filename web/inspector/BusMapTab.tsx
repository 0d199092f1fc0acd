import type { BusEntry } from '../../workers/browser/vmm-api';
import { hex } from './format';

/** The MMIO map: every range a guest access can exit to, with its PLIC interrupt source. */
export function BusMapTab({ bus }: { bus: BusEntry[] }) {
  return (
    <table className="data" data-testid="bus-map">
      <thead>
        <tr>
          <th>device</th>
          <th>base</th>
          <th>end</th>
          <th>size</th>
          <th>IRQ</th>
        </tr>
      </thead>
      <tbody>
        {[...bus]
          .sort((a, b) => a.base - b.base)
          .map((entry) => (
            <tr key={entry.base}>
              <td>{entry.name}</td>
              <td className="mono">{hex(entry.base, 8)}</td>
              <td className="mono">{hex(entry.base + entry.size - 1, 8)}</td>
              <td className="mono">{hex(entry.size)}</td>
              <td>{entry.irq ?? ''}</td>
            </tr>
          ))}
        <tr className="muted">
          <td>RAM</td>
          <td className="mono">0x80000000</td>
          <td colSpan={3}>guest memory (no exits: the vCPU reads it directly)</td>
        </tr>
      </tbody>
    </table>
  );
}
