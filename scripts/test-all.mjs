#!/usr/bin/env node
// The README's test command: installs what the tests need when it is missing, then runs every suite
// (lint, format, types, Vitest unit + integration, Playwright e2e) and ends with one summary line
// `N passed, M failed, K skipped` summed over all of them. Exit code 0 only if nothing failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(cmd, args, opts = {}) {
  console.log(`\n▶ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

/** Debian packages the tests use, keyed by a file that proves the package is there. */
const systemNeeds = [
  {
    file: '/usr/bin/chromium',
    pkg: 'chromium',
    why: 'Playwright e2e (browsers cannot be downloaded here)',
  },
  {
    file: '/usr/bin/qemu-system-riscv64',
    pkg: 'qemu-system-misc',
    why: 'reference boots of the riscv64 image',
  },
  {
    file: '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin',
    pkg: 'opensbi',
    why: 'firmware for the QEMU riscv64 reference',
  },
  {
    file: '/usr/bin/qemu-system-x86_64',
    pkg: 'qemu-system-x86',
    why: 'reference boots of the x86_64 image',
  },
];

function ensureSystemPackages() {
  const missing = systemNeeds.filter((n) => !existsSync(n.file));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!isRoot && !sudo) {
    for (const n of missing)
      console.log(`note: ${n.pkg} missing and no root to install it; ${n.why} will be skipped`);
    return;
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const apt = (args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    return run(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  console.log(
    `installing ${pkgs.join(', ')} (needed for: ${missing.map((n) => n.why).join('; ')})`,
  );
  if (
    !apt(['update', '-qq']) ||
    !apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])
  ) {
    console.log('note: apt-get failed; the tests that need these packages will skip with a reason');
  }
}

function check(name, cmd, args) {
  if (run(cmd, args)) results.passed++;
  else {
    results.failed++;
    failures.push(name);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

ensureSystemPackages();
rmSync('.test-results', { recursive: true, force: true });
mkdirSync('.test-results', { recursive: true });

check('eslint', 'npx', ['eslint', '.']);
check('prettier', 'npx', ['prettier', '--check', '.']);
check('typecheck', 'npx', ['tsc', '-b']);
check('build', 'npm', ['run', '--silent', 'build']);

// Unit tests first (parallel), then integration tests (boots, QEMU, daemons: one file at a time),
// as two passes so the slow suites never compete with the parallel ones for the two cores.
for (const project of ['unit', 'integration']) {
  const report = `.test-results/vitest-${project}.json`;
  const ok = run('npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  const vitest = readJson(report);
  if (vitest) {
    results.passed += vitest.numPassedTests;
    results.failed += vitest.numFailedTests;
    results.skipped += vitest.numPendingTests + vitest.numTodoTests;
    if (vitest.numFailedTests > 0 || !ok) failures.push(`vitest ${project}`);
    if (!ok && vitest.numFailedTests === 0) results.failed++; // e.g. a file that failed to load
  } else {
    results.failed++;
    failures.push(`vitest ${project} (no report)`);
  }
}

const e2eOk = run('npx', ['playwright', 'test'], {
  env: { ...process.env, CI: process.env.CI ?? '1' },
});
const pw = readJson('.test-results/playwright.json');
if (pw?.stats) {
  results.passed += pw.stats.expected + (pw.stats.flaky ?? 0);
  results.failed += pw.stats.unexpected;
  results.skipped += pw.stats.skipped;
  if (pw.stats.unexpected > 0 || !e2eOk) failures.push('playwright');
  if (!e2eOk && pw.stats.unexpected === 0) results.failed++;
} else {
  results.failed++;
  failures.push('playwright (no report)');
}

if (failures.length) console.log(`\nfailed: ${failures.join(', ')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed === 0 ? 0 : 1);
