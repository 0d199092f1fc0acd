/**
 * Driving browser microVMs from Playwright through `window.kindling` (web/machine/kindling-handle):
 * VMs live in named sessions on the page, so each helper is one page.evaluate call.
 */
import type { Page } from '@playwright/test';
import type {} from '../../web/machine/kindling-handle';

export interface BootOptions {
  vcpus: number;
  memMib?: number;
  disk?: boolean;
  entropy?: boolean;
  /** CPU engine (default: the interpreter). */
  jit?: { mode: 'off' | 'mixed' | 'always'; threshold?: number };
}

/** Open the start command's page and wait until the machine client is installed. */
export async function openKindling(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => window.kindling !== undefined, null, { timeout: 30_000 });
}

/** Boot the bundled riscv64 image in a new session; resolves with ms from start to the marker. */
export function bootSession(page: Page, name: string, options: BootOptions): Promise<number> {
  return page.evaluate(
    async ({ name, options }) => {
      const k = window.kindling;
      const image = k.findImage(await k.loadManifest());
      const session = await k.VmSession.open();
      k.sessions.set(name, session);
      const { jit, ...preset } = options;
      if (jit) await session.vm.api.configureJit(jit);
      await k.configurePreset(session.vm, image, { memMib: 128, ...preset });
      const started = performance.now();
      await k.startVm(session.vm);
      await session.waitFor(k.BOOT_MARKER, 60_000);
      const elapsed = performance.now() - started;
      await session.waitFor('# ', 15_000); // the shell's prompt
      return elapsed;
    },
    { name, options },
  );
}

/** Run a shell command in a session's VM and return its output. */
export function run(page: Page, name: string, command: string, timeoutMs = 30_000) {
  return page.evaluate(
    ({ name, command, timeoutMs }) => {
      const session = window.kindling.sessions.get(name);
      if (!session) throw new Error(`no VM session named ${name}`);
      return session.run(command, timeoutMs);
    },
    { name, command, timeoutMs },
  );
}

export function transcript(page: Page, name: string): Promise<string> {
  return page.evaluate((name) => window.kindling.sessions.get(name)?.transcript ?? '', name);
}
