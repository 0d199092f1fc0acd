/**
 * The v86 peer of the Chromium boot figure: v86 (npm `v86`) with Debian's SeaBIOS booting the
 * bundled i386 image (same kernel source and busybox as the riscv64 one) in headless Chromium,
 * timed from `new V86(...)` to the marker on serial0 (see v86/boot.js).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import {
  chromiumAvailable,
  chromiumLaunchOptions,
  CHROMIUM_PATH,
} from '../../e2e/support/chromium';
import { loadManifest } from '../lib/images';
import { serveFolder } from '../lib/static-server';
import type { BenchSkip } from '../lib/schema';

const V86_BUILD = 'node_modules/v86/build';
const SEABIOS = '/usr/share/seabios/bios.bin';
// Any of Debian's VGA BIOSes works (the screen is hidden); the first present one is used.
const VGA_BIOSES = ['vgabios-stdvga.bin', 'vgabios-bochs-display.bin', 'vgabios.bin'].map(
  (name) => `/usr/share/seabios/${name}`,
);

export interface V86BootOptions {
  runs: number;
  memMib: number;
  marker: string;
  timeoutMs: number;
}

declare global {
  interface Window {
    bootV86ToMarker(options: {
      memMib: number;
      cmdline: string;
      marker: string;
      timeoutMs: number;
    }): Promise<number>;
  }
}

export const V86_PEER_NAME = 'v86 0.5.462 (i386 JIT, SeaBIOS) in Chromium';

/** Copies the page, v86 build, BIOS and i386 image into a temp folder; undefined + skip if a piece is missing. */
function stagePage(skipped: BenchSkip[]): { dir: string; cmdline: string } | undefined {
  const vgaBios = VGA_BIOSES.find((path) => existsSync(path));
  const image = loadManifest().find((i) => i.name === 'i386-v86-bench');
  const missing = [
    !existsSync(join(V86_BUILD, 'libv86.js')) &&
      'npm package v86 (devDependency v86@0.5.462) is not installed',
    !existsSync(SEABIOS) && `no ${SEABIOS} (Debian package seabios)`,
    !vgaBios && 'no VGA BIOS in /usr/share/seabios (Debian package seabios)',
    !image && 'no i386-v86-bench image in public/images/manifest.json',
    !chromiumAvailable() && `no Chromium at ${CHROMIUM_PATH}`,
  ].filter((reason): reason is string => typeof reason === 'string');
  if (missing.length > 0 || !image || !vgaBios) {
    skipped.push({ name: V86_PEER_NAME, reason: missing.join('; ') });
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kindling-v86-bench-'));
  for (const name of ['index.html', 'boot.js'])
    copyFileSync(join('bench/boot/v86', name), join(dir, name));
  for (const name of ['libv86.js', 'v86.wasm'])
    copyFileSync(join(V86_BUILD, name), join(dir, name));
  copyFileSync(SEABIOS, join(dir, 'bios.bin'));
  copyFileSync(vgaBios, join(dir, 'vgabios.bin'));
  for (const file of image.files) {
    // The i386 files are stored as the guest takes them (bzImage, gzipped cpio).
    copyFileSync(join('public/images', file.path), join(dir, file.path.split('/').pop()!));
  }
  return { dir, cmdline: image.cmdline };
}

/** One time (ms) per run, each in a freshly loaded page; undefined (with a skip entry) when a piece is missing. */
export async function v86BootToMarker(
  options: V86BootOptions,
  skipped: BenchSkip[],
): Promise<number[] | undefined> {
  const staged = stagePage(skipped);
  if (!staged) return undefined;
  const server = await serveFolder(staged.dir);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const times: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      await page.goto(server.url);
      await page.waitForFunction(() => typeof window.bootV86ToMarker === 'function');
      times.push(
        await page.evaluate((o) => window.bootV86ToMarker(o), {
          memMib: options.memMib,
          cmdline: staged.cmdline,
          marker: options.marker,
          timeoutMs: options.timeoutMs,
        }),
      );
    }
    return times;
  } finally {
    await browser.close();
    await server.close();
    rmSync(staged.dir, { recursive: true, force: true });
  }
}
