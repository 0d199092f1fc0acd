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

/** Mixed mode translates only hot code (cpu/jit/README.md): a shell loop pinned to one cpu is hot. */
const hotLoop = (cpu: number, tag: string) =>
  `taskset -c ${cpu} sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo ${tag}-$i'`;

/** Polls until every hart's counters satisfy `ok` (the workers post about once a second). */
async function waitForCounters(
  page: Page,
  name: string,
  harts: number,
  ok: (c: { translatedInstructions: number; blocksCompiled: number }) => boolean,
) {
  await expect
    .poll(async () => (await jitCounters(page, name, harts)).harts.every(ok), { timeout: 10_000 })
    .toBe(true);
  return jitCounters(page, name, harts);
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
    expect(await run(page, 'jit1', hotLoop(0, 'hot'), 60_000)).toMatch(/hot-30000/);
    const counters = await waitForCounters(
      page,
      'jit1',
      1,
      (c) => c.blocksCompiled > 10 && c.translatedInstructions > 1_000_000,
    );
    expect(counters.mode).toBe('mixed');
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
    expect(
      await run(page, 'jit2', `${hotLoop(0, 'cpu0')} & ${hotLoop(1, 'cpu1')}; wait`, 60_000),
    ).toMatch(/cpu1-30000/);
    await waitForCounters(page, 'jit2', 2, (c) => c.translatedInstructions > 0);
    await page.evaluate(() => {
      window.kindling.sessions.get('jit2')!.dispose(); // one VM's workers at a time
      window.kindling.sessions.delete('jit2');
    });
  });
});
