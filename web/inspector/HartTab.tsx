import { useState } from 'react';
import type { UiVm } from '../vm/ui-vm';
import { usePolling } from '../layout/use-polling';
import { ABI_NAMES, PRIVILEGE_NAMES, hex } from './format';

/** A hart's pc, privilege, x registers and key CSRs; and a page-table walk for any address. */
export function HartTab({ vm, harts, live }: { vm: UiVm; harts: number; live: boolean }) {
  const [hart, setHart] = useState(0);
  const [frozen, setFrozen] = useState(false);
  const [address, setAddress] = useState('');
  const [walk, setWalk] = useState<string | undefined>(undefined);
  const { value: state, error } = usePolling(
    () => vm.api!.readHartState(hart),
    1000,
    live && !frozen && !!vm.api,
    [vm, vm.api, hart],
  );
  const translate = async () => {
    try {
      const text = address.trim() || (state ? hex(state.pc) : '0');
      const va = BigInt(text.startsWith('0x') ? text : `0x${text}`);
      const pa = await vm.api!.translate(hart, va);
      setWalk(
        pa === null ? `${hex(va)} → page fault (not mapped for a load)` : `${hex(va)} → ${hex(pa)}`,
      );
    } catch (e) {
      setWalk(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div>
      <div className="tab-controls">
        <label>
          hart{' '}
          <select value={hart} onChange={(e) => setHart(Number(e.target.value))}>
            {Array.from({ length: harts }, (_, h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={frozen} onChange={(e) => setFrozen(e.target.checked)} />{' '}
          freeze view
        </label>
        {error && <span className="error-text small">{error}</span>}
      </div>
      {state && (
        <>
          <p className="mono" data-testid="hart-pc">
            pc {hex(state.pc, 16)} · {PRIVILEGE_NAMES[state.priv] ?? state.priv}-mode · instret{' '}
            {state.instret.toString()}
          </p>
          <div className="regs">
            {state.x.map((value, r) => (
              <span key={r}>
                <b>{ABI_NAMES[r]}</b> {hex(value, 16)}
              </span>
            ))}
          </div>
          <div className="regs csrs">
            {Object.entries(state.csrs).map(([name, value]) => (
              <span key={name}>
                <b>{name}</b> {hex(value, 16)}
              </span>
            ))}
          </div>
        </>
      )}
      <div className="tab-controls">
        <label>
          page walk: virtual address{' '}
          <input
            className="mono"
            data-testid="walk-address"
            placeholder={state ? hex(state.pc) : '0xffffffff80000000'}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void translate()}
          />
        </label>
        <button type="button" onClick={() => void translate()}>
          Translate
        </button>
        {walk && (
          <span className="mono" data-testid="walk-result">
            {walk}
          </span>
        )}
      </div>
    </div>
  );
}
