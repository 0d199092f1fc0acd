import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { loadManifest, type ImageEntry } from './machine/image-manifest';
import { UiVm } from './vm/ui-vm';
import type { LaunchConfig } from './vm/launch-config';
import { PageNetwork } from './net/page-network';
import { unpackSnapshotBundle } from './snapshot/snapshot-bundle';
import { LaunchPanel } from './controls/LaunchPanel';
import { RemotePanel } from './remote/RemotePanel';
import { VmWorkspace } from './VmWorkspace';
import { HelpPopover } from './layout/HelpPopover';
import './layout/playground.css';
import './stats/stats.css';
import './inspector/inspector.css';
import { useTheme } from './layout/use-theme';
import { useVmView } from './vm/use-vm-view';

type TabId = 'new' | 'remote' | string;

function VmTab({ vm, active, onSelect }: { vm: UiVm; active: boolean; onSelect: () => void }) {
  const view = useVmView(vm);
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      className="vm-tab"
      data-testid={`tab-${vm.id}`}
      onClick={onSelect}
    >
      <span className={`dot status-${view.phase}`} />
      {vm.id}
    </button>
  );
}

/** The playground: VM tabs (each with its console and inspector), a launcher and remote mode. */
export function Playground({ banner }: { banner: ReactNode }) {
  const [theme, toggleTheme] = useTheme();
  const [presets, setPresets] = useState<ImageEntry[]>([]);
  const [manifestError, setManifestError] = useState<string | undefined>(undefined);
  const [vms, setVms] = useState<UiVm[]>([]);
  const [tab, setTab] = useState<TabId>('new');
  const [inspectorOpen, setInspectorOpen] = useState(true);
  const [help, setHelp] = useState(false);
  const [syncRequest, setSyncRequest] = useState(0);
  const network = useMemo(() => new PageNetwork(), []);
  const counter = useRef(0);
  const vmsRef = useRef(vms);
  vmsRef.current = vms;

  useEffect(() => {
    loadManifest().then(
      (m) => setPresets(m.images.filter((i) => i.arch === 'riscv64')),
      (e: unknown) => setManifestError(e instanceof Error ? e.message : String(e)),
    );
    return () => vmsRef.current.forEach((vm) => vm.dispose());
  }, []);

  const add = useCallback((vm: UiVm) => {
    setVms((list) => [...list, vm]);
    setTab(vm.id);
  }, []);
  const nextId = () => `vm${++counter.current}`;

  const launch = (config: LaunchConfig) =>
    add(UiVm.launch(nextId(), config, config.network ? network.hooks() : undefined));

  const restore = async (file: File) => {
    try {
      const files = unpackSnapshotBundle(new Uint8Array(await file.arrayBuffer()));
      add(UiVm.restore(nextId(), files));
    } catch (e) {
      setManifestError(
        `Cannot restore ${file.name}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };

  const close = (vm: UiVm) => {
    vm.dispose();
    setVms((list) => list.filter((v) => v !== vm));
    setTab('new');
  };

  const current = vms.find((vm) => vm.id === tab);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = (e.target as HTMLElement | null)?.closest?.('input, select, textarea');
      if (e.key === '?' && !inField) {
        setHelp((h) => !h);
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const key = e.code;
      if (key === 'KeyN') setTab('new');
      else if (key === 'KeyI') setInspectorOpen((o) => !o);
      else if (key === 'KeyS') setSyncRequest((n) => n + 1);
      else if (key === 'KeyP' && current) {
        void (current.view().phase === 'paused' ? current.resume() : current.pause());
      } else if (/^Digit[1-9]$/.test(key)) {
        const vm = vms[Number(key.slice(5)) - 1];
        if (vm) setTab(vm.id);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [vms, current]);

  return (
    <div className="playground">
      <header className="topbar">
        <div className="brand">
          <span className="logo">◆</span>
          <span className="brand-name">Kindling</span>
          <span className="muted small brand-tag">microVMs in your browser tab</span>
        </div>
        <nav className="vm-tabs" role="tablist" aria-label="VMs">
          {vms.map((vm) => (
            <VmTab key={vm.id} vm={vm} active={tab === vm.id} onSelect={() => setTab(vm.id)} />
          ))}
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'new'}
            className="vm-tab"
            data-testid="tab-new"
            onClick={() => setTab('new')}
          >
            + New VM
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'remote'}
            className="vm-tab"
            data-testid="tab-remote"
            onClick={() => setTab('remote')}
          >
            Remote
          </button>
        </nav>
        <div className="topbar-actions">
          <button
            type="button"
            className="ghost"
            aria-pressed={inspectorOpen}
            title="Inspector (Alt+I)"
            onClick={() => setInspectorOpen((o) => !o)}
          >
            Inspector
          </button>
          <button
            type="button"
            className="ghost"
            title="Light / dark"
            data-testid="theme-toggle"
            onClick={toggleTheme}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button
            type="button"
            className="ghost"
            title="Keyboard shortcuts (?)"
            data-testid="help-button"
            onClick={() => setHelp((h) => !h)}
          >
            ?
          </button>
          {help && <HelpPopover onClose={() => setHelp(false)} />}
        </div>
      </header>
      {banner}
      <main className="content">
        {tab === 'new' && (
          <LaunchPanel
            presets={presets}
            manifestError={manifestError}
            onLaunch={launch}
            onRestore={(f) => void restore(f)}
          />
        )}
        <div hidden={tab !== 'remote'}>
          <RemotePanel theme={theme} visible={tab === 'remote'} />
        </div>
        {vms.map((vm) => (
          <VmWorkspace
            key={vm.id}
            vm={vm}
            active={tab === vm.id}
            theme={theme}
            inspectorOpen={inspectorOpen}
            syncRequest={tab === vm.id ? syncRequest : 0}
            onClose={() => close(vm)}
          />
        ))}
      </main>
    </div>
  );
}
