/**
 * The riscv64 microVM in Chromium with the JIT on (issue 11): Linux boots to the shell and answers
 * with 1 and 2 harts in mixed mode, and the vCPU workers report JIT counters in the metrics the
 * live stats panel reads.
 */
import { test, expect, type Page } from '@playwright/test';
import { chromiumAvailable, CHROMIUM_PATH } from './support/chromium';
import { bootSession, openKindling, run } from './support/kindling-page';

const noChromium = !chromiumAvailable();
if (noChromium) console.log(`JIT e2e skipped: no Chromium at ${CHROMIUM_PATH}`);

/** The JIT counters of every hart, once each vCPU worker has posted them (about once a second). */
function jitCounters(page: Page, name: string, harts: number) {
  return page.evaluate(
    async ({ name, harts }) => {
      const vm = window.kindling.sessions.get(name)!.vm;
      for (let i = 0; i < 40; i++) {
        const metrics = await vm.api.metrics();
        const all = metrics?.harts.slice(0, harts).map((h) => h.jit);
        if (metrics && all && all.every((j) => j !== null)) {
          return { mode: metrics.jitMode, harts: all.map((j) => j!) };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('no JIT counters from the vCPU workers');
    },
    { name, harts },
  );
}

test.describe.serial('riscv64 machine in Web Workers with the JIT', () => {
  test.skip(noChromium, `no Chromium at ${CHROMIUM_PATH}`);
  test.setTimeout(90_000);

  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await openKindling(page);
  });
  test.afterAll(async () => {
    await page.evaluate(() => window.kindling.sessions.forEach((s) => s.dispose()));
    await page.close();
  });

  test('1 hart, JIT mixed: boots to the shell, answers, runs translated code', async () => {
    const ms = await bootSession(page, 'jit1', { vcpus: 1, jit: { mode: 'mixed' } });
    console.log(`Chromium, JIT mixed, 1 hart: boot to marker ${ms.toFixed(0)} ms`);
    test.info().annotations.push({
      type: 'boot-to-marker ms (JIT mixed, 1 hart)',
      description: ms.toFixed(0),
    });
    expect(await run(page, 'jit1', 'uname -m; echo $((6 * 7))')).toMatch(/riscv64\s+42/);
    const counters = await jitCounters(page, 'jit1', 1);
    expect(counters.mode).toBe('mixed');
    expect(counters.harts[0]!.blocksCompiled).toBeGreaterThan(100);
    expect(counters.harts[0]!.translatedInstructions).toBeGreaterThan(1_000_000);
    await page.evaluate(() => {
      window.kindling.sessions.get('jit1')!.dispose(); // one VM's workers at a time
      window.kindling.sessions.delete('jit1');
    });
  });

  test('2 harts, JIT mixed: boots with both harts online', async () => {
    const ms = await bootSession(page, 'jit2', { vcpus: 2, jit: { mode: 'mixed' } });
    console.log(`Chromium, JIT mixed, 2 harts: boot to marker ${ms.toFixed(0)} ms`);
    test.info().annotations.push({
      type: 'boot-to-marker ms (JIT mixed, 2 harts)',
      description: ms.toFixed(0),
    });
    expect((await run(page, 'jit2', 'cat /sys/devices/system/cpu/online')).trim()).toContain('0-1');
    const counters = await jitCounters(page, 'jit2', 2);
    expect(counters.harts[1]!.translatedInstructions).toBeGreaterThan(0);
    await page.evaluate(() => {
      window.kindling.sessions.get('jit2')!.dispose(); // one VM's workers at a time
      window.kindling.sessions.delete('jit2');
    });
  });
});
