import { useState } from 'react';
import type { ImageEntry } from '../machine/image-manifest';
import {
  DEFAULT_CMDLINE,
  DEFAULT_JIT_MODE,
  JIT_CHOICES,
  type LaunchConfig,
  type UserFile,
} from '../vm/launch-config';
import type { JitMode } from '../../workers/common/riscv64/jit-settings';
import { FileDrop } from './FileDrop';

interface Props {
  presets: ImageEntry[];
  manifestError: string | undefined;
  onLaunch: (config: LaunchConfig) => void;
  onRestore: (bundle: File) => void;
}

const MEMORY_CHOICES = [64, 128, 256, 512];

/** The "new VM" form: a preset or your own kernel/initrd/disk, machine size, command line. */
export function LaunchPanel({ presets, manifestError, onLaunch, onRestore }: Props) {
  const [presetName, setPresetName] = useState<string | undefined>(undefined);
  const preset = presets.find((p) => p.name === presetName) ?? presets[0];
  const [vcpus, setVcpus] = useState(1);
  const [memMib, setMemMib] = useState(128);
  const [cmdline, setCmdline] = useState<string | undefined>(undefined);
  const [disk, setDisk] = useState(true);
  const [network, setNetwork] = useState(true);
  const [jit, setJit] = useState<JitMode>(DEFAULT_JIT_MODE);
  const [kernel, setKernel] = useState<UserFile | undefined>(undefined);
  const [initrd, setInitrd] = useState<UserFile | undefined>(undefined);
  const [userDisk, setUserDisk] = useState<UserFile | undefined>(undefined);

  const ownFiles = kernel !== undefined;
  const effectiveCmdline = cmdline ?? preset?.cmdline ?? DEFAULT_CMDLINE;
  const canBoot = ownFiles || preset !== undefined;

  const launch = () => {
    const source: LaunchConfig['source'] = ownFiles
      ? {
          kind: 'files',
          kernel,
          ...(initrd ? { initrd } : {}),
          ...(userDisk ? { disk: userDisk } : {}),
        }
      : { kind: 'preset', image: preset!, disk };
    onLaunch({ source, vcpus, memMib, cmdline: effectiveCmdline, network, jit });
  };

  return (
    <div className="launch">
      <section className="card">
        <h2>New microVM</h2>
        <p className="muted">
          A RISC-V RV64GC machine emulated in WebAssembly: one Web Worker per vCPU, devices in a VMM
          worker, configured through the Firecracker API.
        </p>
        {manifestError && <p className="error-text">{manifestError}</p>}
        <div className="form-grid">
          <label htmlFor="preset">Image</label>
          <select
            id="preset"
            data-testid="preset-select"
            value={preset?.name ?? ''}
            disabled={ownFiles}
            onChange={(e) => setPresetName(e.target.value)}
          >
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} (Linux {p.kernelVersion ?? '?'})
              </option>
            ))}
          </select>
          {preset && !ownFiles && <p className="muted preset-description">{preset.description}</p>}
          <label htmlFor="vcpus">vCPUs</label>
          <div className="segmented" id="vcpus" role="radiogroup">
            {[1, 2, 3, 4].map((n) => (
              <button
                key={n}
                type="button"
                role="radio"
                aria-checked={vcpus === n}
                className={vcpus === n ? 'selected' : ''}
                onClick={() => setVcpus(n)}
              >
                {n}
              </button>
            ))}
          </div>
          <label htmlFor="memory">Memory</label>
          <select id="memory" value={memMib} onChange={(e) => setMemMib(Number(e.target.value))}>
            {MEMORY_CHOICES.map((m) => (
              <option key={m} value={m}>
                {m} MiB
              </option>
            ))}
          </select>
          <label htmlFor="cpu-engine">CPU engine</label>
          <select
            id="cpu-engine"
            data-testid="jit-select"
            value={jit}
            title={JIT_CHOICES.find((c) => c.mode === jit)?.title}
            onChange={(e) => setJit(e.target.value as JitMode)}
          >
            {JIT_CHOICES.map((c) => (
              <option key={c.mode} value={c.mode} title={c.title}>
                {c.label}
              </option>
            ))}
          </select>
          <label htmlFor="cmdline">Kernel command line</label>
          <input
            id="cmdline"
            data-testid="cmdline"
            value={effectiveCmdline}
            spellCheck={false}
            onChange={(e) => setCmdline(e.target.value)}
          />
          <span />
          <div className="checks">
            <label>
              <input
                type="checkbox"
                checked={disk}
                disabled={ownFiles}
                onChange={(e) => setDisk(e.target.checked)}
              />{' '}
              ext4 disk (/dev/vda)
            </label>
            <label>
              <input
                type="checkbox"
                data-testid="network-check"
                checked={network}
                onChange={(e) => setNetwork(e.target.checked)}
              />{' '}
              network (page switch)
            </label>
          </div>
        </div>
        <details className="own-files">
          <summary>Bring your own kernel, initrd, disk</summary>
          <p className="muted">
            A RISC-V Linux <code>Image</code> (gzip is fine), an initramfs, a raw disk. Pick or drop
            files.
          </p>
          <FileDrop
            label="Kernel"
            hint="Image or Image.gz"
            file={kernel}
            onFile={setKernel}
            testId="kernel-file"
          />
          <FileDrop
            label="Initrd"
            hint="initramfs.cpio.gz"
            file={initrd}
            onFile={setInitrd}
            testId="initrd-file"
          />
          <FileDrop
            label="Disk"
            hint="ext4 image (optional)"
            file={userDisk}
            onFile={setUserDisk}
            testId="disk-file"
          />
        </details>
        <div className="actions">
          <button
            type="button"
            className="primary"
            data-testid="boot"
            disabled={!canBoot}
            onClick={launch}
          >
            Boot {ownFiles ? kernel.name : (preset?.name ?? '')}
          </button>
        </div>
      </section>
      <section className="card">
        <h2>Restore a snapshot</h2>
        <p className="muted">
          A <code>.kvmsnap</code> file downloaded from a running VM (state, memory and its files in
          one bundle) resumes in a fresh VMM worker.
        </p>
        <label className="file-drop">
          <span className="file-drop-label">Snapshot</span>
          <span className="file-drop-name">choose a .kvmsnap file</span>
          <input
            type="file"
            data-testid="restore-file"
            accept=".kvmsnap"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) onRestore(file);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </section>
    </div>
  );
}
