/**
 * The page-side machine client (for the UI): VMs in Web Workers driven through the Firecracker API,
 * bundled images, snapshots, and a session helper. Importing this has no side effects;
 * `./kindling-handle` installs `window.kindling`.
 */
export * from './machine-client';
export * from './image-manifest';
export { VmSession, SessionTimeoutError } from './vm-session';
export { BOOT_MARKER } from '../../workers/browser/boot-to-marker';
export type {
  ApiResponse,
  BusEntry,
  ExitRecord,
  HartSnapshot,
  MachineMetrics,
  StoredFile,
  VirtqueueDescriptor,
  VirtqueueView,
  VmmApi,
  VmmEvent,
} from '../../workers/browser/vmm-api';
