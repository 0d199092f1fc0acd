import type { UiVm, UiVmView } from '../vm/ui-vm';

interface Props {
  vm: UiVm;
  view: UiVmView;
  busy: boolean;
  onSnapshot: () => void;
  onSyncSize: () => void;
  onClose: () => void;
}

/** Lifecycle buttons for one VM; each is enabled only where the Firecracker API allows it. */
export function VmToolbar({ vm, view, busy, onSnapshot, onSyncSize, onClose }: Props) {
  const live = view.phase === 'running' || view.phase === 'booting';
  const paused = view.phase === 'paused';
  const started = live || paused;
  return (
    <div className="toolbar" role="toolbar" aria-label="VM controls">
      {paused ? (
        <button type="button" data-testid="resume" disabled={busy} onClick={() => void vm.resume()}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          data-testid="pause"
          disabled={!live || busy}
          onClick={() => void vm.pause()}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        data-testid="reset"
        disabled={!vm.canReset || busy}
        title="Stop and boot the same configuration again (riscv64 has no Ctrl-Alt-Del)"
        onClick={() => void vm.reset()}
      >
        Reset
      </button>
      <button
        type="button"
        data-testid="poweroff"
        disabled={!live}
        title="Type poweroff into the guest shell"
        onClick={() => vm.powerOff()}
      >
        Power off
      </button>
      <button
        type="button"
        data-testid="stop"
        disabled={!started}
        title="End the VM now"
        onClick={() => void vm.stop()}
      >
        Stop
      </button>
      <span className="toolbar-sep" />
      <button
        type="button"
        data-testid="snapshot"
        disabled={!started || busy}
        title="Pause, snapshot, download one .kvmsnap file"
        onClick={onSnapshot}
      >
        Snapshot
      </button>
      <button
        type="button"
        data-testid="sync-size"
        disabled={!live}
        title="Send stty rows/cols for this terminal (Alt+S)"
        onClick={onSyncSize}
      >
        Sync size
      </button>
      <span className="toolbar-grow" />
      <button
        type="button"
        className="ghost"
        data-testid="close-vm"
        title="Stop and close this tab"
        onClick={onClose}
      >
        ✕
      </button>
    </div>
  );
}
