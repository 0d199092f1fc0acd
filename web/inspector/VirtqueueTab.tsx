import { useState } from 'react';
import type { BusEntry } from '../../workers/browser/vmm-api';
import type { UiVm } from '../vm/ui-vm';
import { usePolling } from '../layout/use-polling';
import { descriptorFlags, hex } from './format';

const SHOWN_DESCRIPTORS = 24;

/** One virtqueue: its rings' addresses, avail/used indices and the descriptor table. */
export function VirtqueueTab({ vm, bus, live }: { vm: UiVm; bus: BusEntry[]; live: boolean }) {
  const devices = bus.filter((b) => b.name.startsWith('virtio')).sort((a, b) => a.base - b.base);
  const [slot, setSlot] = useState(0);
  const [queue, setQueue] = useState(0);
  const { value: view, error } = usePolling(
    () => vm.api!.virtqueue(slot, queue),
    500,
    live && !!vm.api && devices.length > 0,
    [vm, vm.api, slot, queue],
  );
  if (devices.length === 0) return <p className="muted">This VM has no virtio devices.</p>;
  // Descriptors the driver never filled (address and length 0) say nothing: leave them out.
  const used = (view?.descriptors ?? [])
    .filter((d) => d.addr !== 0n || d.len !== 0)
    .slice(0, SHOWN_DESCRIPTORS);
  return (
    <div>
      <div className="tab-controls">
        <label>
          device{' '}
          <select
            data-testid="vq-device"
            value={slot}
            onChange={(e) => setSlot(Number(e.target.value))}
          >
            {devices.map((d, i) => (
              <option key={d.base} value={i}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          queue{' '}
          <select value={queue} onChange={(e) => setQueue(Number(e.target.value))}>
            {[0, 1, 2].map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        {error && <span className="error-text small">{error}</span>}
      </div>
      {view && (
        <>
          <dl className="kv" data-testid="vq-summary">
            <div>
              <dt>device</dt>
              <dd>{view.device}</dd>
            </div>
            <div>
              <dt>size</dt>
              <dd>{view.size}</dd>
            </div>
            <div>
              <dt>ready</dt>
              <dd>{view.ready ? 'yes' : 'no'}</dd>
            </div>
            <div>
              <dt>avail.idx</dt>
              <dd data-testid="vq-avail-idx">{view.availIdx}</dd>
            </div>
            <div>
              <dt>used.idx</dt>
              <dd data-testid="vq-used-idx">{view.usedIdx}</dd>
            </div>
            <div>
              <dt>next avail</dt>
              <dd>{view.nextAvail}</dd>
            </div>
            <div>
              <dt>desc table</dt>
              <dd className="mono">{hex(view.descTable)}</dd>
            </div>
            <div>
              <dt>avail ring</dt>
              <dd className="mono">{hex(view.availRing)}</dd>
            </div>
            <div>
              <dt>used ring</dt>
              <dd className="mono">{hex(view.usedRing)}</dd>
            </div>
          </dl>
          <p className="muted small">
            {used.length} of {view.descriptors.length} descriptors in use shown
          </p>
          <table className="data">
            <thead>
              <tr>
                <th>#</th>
                <th>addr</th>
                <th>len</th>
                <th>flags</th>
                <th>next</th>
              </tr>
            </thead>
            <tbody>
              {used.map((d) => (
                <tr key={d.index}>
                  <td className="num">{d.index}</td>
                  <td className="mono">{hex(d.addr, 8)}</td>
                  <td className="num">{d.len}</td>
                  <td>{descriptorFlags(d.flags)}</td>
                  <td className="num">{d.flags & 1 ? d.next : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
