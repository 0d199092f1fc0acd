/**
 * Whether this process can use /dev/kvm at all, for tests that must skip (with the reason) when not.
 */
import { KvmSystem } from './kvm-system';

export function kvmUnavailableReason(): string | undefined {
  try {
    KvmSystem.open().close();
    return undefined;
  } catch (error) {
    return `/dev/kvm cannot be used here: ${(error as Error).message}`;
  }
}
