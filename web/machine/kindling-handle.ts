/**
 * `window.kindling`: the machine client on the page's global object, for power users at the
 * devtools console, end-to-end tests (page.evaluate) and the boot benchmark. Importing this module
 * installs it.
 */
import * as client from './machine-client';
import * as images from './image-manifest';
import { VmSession } from './vm-session';
import { BOOT_MARKER } from '../../workers/browser/boot-to-marker';
import type { JitSettings } from '../../workers/common/riscv64/jit-settings';

export interface BootToMarkerOptions {
  vcpus?: number;
  memMib?: number;
  /** CPU engine (default: the interpreter). */
  jit?: JitSettings;
}

/**
 * Boot the bundled riscv64 image in a fresh VM and return the milliseconds from InstanceStart to
 * the marker line on the page (downloads and configuration are not timed). The VM is disposed.
 */
export async function bootToMarker(options: BootToMarkerOptions = {}): Promise<number> {
  const image = images.findImage(await images.loadManifest());
  const session = await VmSession.open();
  try {
    if (options.jit) await session.vm.api.configureJit(options.jit);
    await client.configurePreset(session.vm, image, {
      vcpus: options.vcpus ?? 1,
      memMib: options.memMib ?? 128,
    });
    const started = performance.now();
    await client.startVm(session.vm);
    await session.waitFor(BOOT_MARKER, 60_000);
    return performance.now() - started;
  } finally {
    session.dispose();
  }
}

export const kindling = {
  ...client,
  ...images,
  VmSession,
  BOOT_MARKER,
  bootToMarker,
  /** Named sessions, so scripts driving the page across calls can find their VMs again. */
  sessions: new Map<string, VmSession>(),
};

export type KindlingHandle = typeof kindling;

declare global {
  interface Window {
    kindling: KindlingHandle;
  }
}

window.kindling = kindling;
