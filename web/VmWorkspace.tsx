import { useEffect, useState } from 'react';
import type { UiVm } from './vm/ui-vm';
import { useVmView } from './vm/use-vm-view';
import { TerminalView } from './console/TerminalView';
import { VmToolbar } from './controls/VmToolbar';
import { BootTimelineView, DownloadProgressView } from './controls/BootTimelineView';
import { LiveStats } from './stats/LiveStats';
import { InspectorPanel } from './inspector/InspectorPanel';
import { downloadBytes } from './machine/machine-client';
import { packSnapshotBundle } from './snapshot/snapshot-bundle';
import type { Theme } from './layout/use-theme';
import { atShellPrompt, stripTerminalControls } from './console/console-source';

interface Props {
  vm: UiVm;
  active: boolean;
  theme: Theme;
  inspectorOpen: boolean;
  syncRequest: number;
  onClose: () => void;
}

const PHASE_LABEL: Record<string, string> = {
  configuring: 'loading images',
  booting: 'booting',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  failed: 'failed',
};

/** One VM's tab: controls, terminal, timeline, live stats and the inspector. */
export function VmWorkspace({ vm, active, theme, inspectorOpen, syncRequest, onClose }: Props) {
  const view = useVmView(vm);
  const [busy, setBusy] = useState(false);
  const [localSync, setLocalSync] = useState(0);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  // Once the shell is up, tell it the terminal's size (waiting for its prompt, a few tries).
  useEffect(() => {
    if (view.timeline.shellMs === undefined) return;
    let tries = 0;
    const timer = setInterval(() => {
      if (atShellPrompt(vm.tail()) || ++tries > 20) {
        clearInterval(timer);
        if (tries <= 20) setLocalSync((n) => n + 1);
      }
    }, 250);
    return () => clearInterval(timer);
  }, [vm, view.timeline.shellMs]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(undefined), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  const snapshot = async () => {
    setBusy(true);
    setNotice('Pausing and writing the snapshot…');
    try {
      const files = await vm.snapshot();
      const bundle = packSnapshotBundle(files);
      downloadBytes(`kindling-${vm.id}.kvmsnap`, bundle);
      setNotice(
        `Snapshot downloaded (${(bundle.length / 1048576).toFixed(1)} MiB). The VM stays paused.`,
      );
    } catch (error) {
      setNotice(`Snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="workspace" hidden={!active} data-testid={`workspace-${vm.id}`}>
      <div className="workspace-main">
        <div className="console-card">
          <div className="console-head">
            <span className={`status status-${view.phase}`} data-testid="vm-status">
              {PHASE_LABEL[view.phase]}
            </span>
            <span className="console-title">{vm.title}</span>
            <VmToolbar
              vm={vm}
              view={view}
              busy={busy}
              onSnapshot={() => void snapshot()}
              onSyncSize={() => setLocalSync((n) => n + 1)}
              onClose={onClose}
            />
          </div>
          {notice && (
            <div className="notice" data-testid="vm-notice">
              {notice}
            </div>
          )}
          {view.error && (
            <div className="banner banner-error" role="alert" data-testid="vm-error">
              {view.error}
            </div>
          )}
          {view.stop && (
            <div className="banner stop-banner" role="status" data-testid="vm-stopped">
              <b>The VM stopped: {view.stop.description}.</b>
              <pre>
                {view.stop.lastLines
                  .map(stripTerminalControls)
                  .filter((l) => l.trim())
                  .slice(-8)
                  .join('\n')}
              </pre>
            </div>
          )}
          <TerminalView
            source={vm}
            theme={theme}
            visible={active}
            syncRequest={syncRequest + localSync}
            testId={`terminal-${vm.id}`}
          />
        </div>
        {inspectorOpen && <InspectorPanel vm={vm} view={view} active={active} />}
      </div>
      <aside className="workspace-side">
        <DownloadProgressView progress={view.progress} />
        <BootTimelineView timeline={view.timeline} />
        <LiveStats
          vm={vm}
          active={
            active &&
            (view.phase === 'running' || view.phase === 'booting' || view.phase === 'paused')
          }
        />
      </aside>
    </div>
  );
}
