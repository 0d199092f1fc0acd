import { useSyncExternalStore } from 'react';
import type { UiVm, UiVmView } from './ui-vm';

/** Re-render when the VM's state, timeline or progress changes. */
export function useVmView(vm: UiVm): UiVmView {
  return useSyncExternalStore(vm.subscribe, () => vm.view());
}
