/**
 * Driving the playground UI (web/Playground.tsx) like a person: boot from the launch form, type
 * into a VM's xterm, read what its rows show. Tests look at the page, not at window.kindling,
 * except `consoleText`, which reads the VM's whole transcript (the terminal shows only a screen).
 */
import { expect, type Page } from '@playwright/test';
import type {} from '../../web/machine/kindling-handle';

export const BOOT_TIMEOUT = 90_000;

export function terminal(page: Page, vmId: string) {
  return page.getByTestId(`terminal-${vmId}`);
}

/** Text on the terminal's screen, one line per row, trailing blanks trimmed. */
export async function screenText(page: Page, vmId: string): Promise<string> {
  return terminal(page, vmId)
    .locator('.xterm-rows > div')
    .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+$/, '')).join('\n'));
}

/** Everything the guest printed since the VM started (the session transcript). */
export function consoleText(page: Page, vmId: string): Promise<string> {
  return page.evaluate((id) => window.kindling.sessions.get(id)?.transcript ?? '', vmId);
}

/** Wait until the transcript contains `text` after index `from`. */
export async function waitForConsole(
  page: Page,
  vmId: string,
  text: string | RegExp,
  from = 0,
  timeout = 30_000,
) {
  await expect
    .poll(async () => (await consoleText(page, vmId)).slice(from), { timeout, intervals: [200] })
    .toMatch(
      typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text,
    );
}

/** Click into the terminal and type a line as keystrokes; returns the transcript length before. */
export async function typeLine(page: Page, vmId: string, line: string): Promise<number> {
  const before = (await consoleText(page, vmId)).length;
  await terminal(page, vmId).click();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
  return before;
}

/** Wait for the VM to be running, its size synced with stty and its shell at a prompt. */
export async function waitForShell(page: Page, vmId: string): Promise<void> {
  await expect(page.getByTestId(`workspace-${vmId}`).getByTestId('vm-status')).toHaveText(
    'running',
    { timeout: BOOT_TIMEOUT },
  );
  await waitForConsole(page, vmId, 'kindling: boot complete', 0, BOOT_TIMEOUT);
  await waitForConsole(page, vmId, /stty rows \d+ cols \d+[\s\S]*# /, 0, 20_000);
}
