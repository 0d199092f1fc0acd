/** What the gateway needs from whoever runs the VMs (the daemon): a list, consoles, control. */
import type { ConsoleStream } from '../../core/console/console-stream';

export interface VmSummary {
  id: string;
  arch: 'riscv64' | 'x86_64';
  engine: 'wasm' | 'kvm';
  state: 'NotStarted' | 'Running' | 'Paused' | 'Stopped';
  vcpus: number;
  memMib: number;
}

export type VmControlAction = 'pause' | 'resume' | 'ctrl-alt-del';

export interface VmDirectory {
  list(): VmSummary[];
  console(id: string): ConsoleStream | undefined;
  /** Rejects with an Error whose message is shown to the client. */
  control(id: string, action: VmControlAction): Promise<void>;
}
