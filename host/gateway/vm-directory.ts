/** What the gateway needs from whoever runs the VMs (the daemon): a list, consoles, control. */
import type { ConsoleStream } from '../../core/console/console-stream';

export type { VmSummary, VmControlAction } from '../../core/console/gateway-protocol';
import type { VmSummary, VmControlAction } from '../../core/console/gateway-protocol';

export interface VmDirectory {
  list(): VmSummary[];
  console(id: string): ConsoleStream | undefined;
  /** Rejects with an Error whose message is shown to the client. */
  control(id: string, action: VmControlAction): Promise<void>;
}
