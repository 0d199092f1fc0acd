import { useEffect, useState } from 'react';
import type { BusEntry } from '../../workers/browser/vmm-api';
import type { UiVm } from '../vm/ui-vm';
import { usePolling } from '../layout/use-polling';
import { decodeExit, describeExitValue } from './exit-decoder';

const SHOWN = 120;

/** Recent MMIO exits (recorded only while this tab is open), decoded to device and register. */
export function ExitLogTab({ vm, bus, live }: { vm: UiVm; bus: BusEntry[]; live: boolean }) {
  const [filter, setFilter] = useState('all');
  useEffect(() => {
    const api = vm.api;
    if (!live || !api) return;
    void api.recordExits(true).catch(() => undefined);
    return () => void api.recordExits(false).catch(() => undefined);
  }, [vm, vm.api, live]);
  const { value: exits } = usePolling(() => vm.api!.recentExits(), 500, live && !!vm.api, [
    vm,
    vm.api,
  ]);
  const rows = (exits ?? [])
    .map((exit) => ({ exit, decoded: decodeExit(exit, bus) }))
    .filter((row) => filter === 'all' || row.decoded.device === filter)
    .slice(-SHOWN)
    .reverse();
  return (
    <div>
      <div className="tab-controls">
        <label>
          device{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="all">all</option>
            {bus.map((b) => (
              <option key={b.base} value={b.name}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">{exits?.length ?? 0} recorded (newest first)</span>
      </div>
      <table className="data" data-testid="exit-log">
        <thead>
          <tr>
            <th>ms</th>
            <th />
            <th>device</th>
            <th>register</th>
            <th>value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ exit, decoded }, i) => (
            <tr key={`${exit.atMs}-${i}`}>
              <td className="num">{exit.atMs.toFixed(1)}</td>
              <td className={exit.write ? 'write' : 'read'}>{exit.write ? 'W' : 'R'}</td>
              <td>{decoded.device}</td>
              <td>{decoded.register}</td>
              <td className="mono">{describeExitValue(exit, decoded)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
