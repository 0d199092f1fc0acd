/**
 * For bench/boot: time "InstanceStart → `kindling: boot complete`" of the browser machine in
 * Chromium, through `window.kindling.bootToMarker` on a page served with the isolation headers
 * (the start command's server, or `vite preview` after `npm run build`).
 */
import { chromium } from '@playwright/test';
import { chromiumAvailable, chromiumLaunchOptions, CHROMIUM_PATH } from './chromium';
import type {} from '../../web/machine/kindling-handle';

export interface ChromiumBootOptions {
  /** Page that loads the machine client, e.g. http://127.0.0.1:4173/ */
  url: string;
  vcpus: number;
  memMib?: number;
  runs: number;
  /** CPU engine (default: the interpreter). */
  jit?: { mode: 'off' | 'mixed' | 'always'; threshold?: number };
}

/** One boot-to-marker time (ms) per run, each in a fresh VM of the same page; undefined without Chromium. */
export async function chromiumBootToMarker(
  options: ChromiumBootOptions,
): Promise<number[] | undefined> {
  if (!chromiumAvailable()) {
    console.log(`Chromium boot bench skipped: no Chromium at ${CHROMIUM_PATH}`);
    return undefined;
  }
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(options.url);
    await page.waitForFunction(() => window.kindling !== undefined, null, { timeout: 30_000 });
    const times: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      times.push(
        await page.evaluate(
          (o) =>
            window.kindling.bootToMarker({
              vcpus: o.vcpus,
              memMib: o.memMib ?? 128,
              ...(o.jit ? { jit: o.jit } : {}),
            }),
          options,
        ),
      );
    }
    return times;
  } finally {
    await browser.close();
  }
}
