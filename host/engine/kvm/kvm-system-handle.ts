/** One /dev/kvm handle per daemon process, opened on first use and shared by its microVMs. */
import { KvmSystem } from '../../kvm/kvm-system';

let system: KvmSystem | undefined;

export function sharedKvmSystem(): KvmSystem {
  system ??= KvmSystem.open();
  return system;
}
