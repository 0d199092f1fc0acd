/**
 * A `kindling-host gateway` for the playground's remote mode: one riscv64 VM on the WASM engine,
 * a token file, the page's origin allowed. Resolves with the gateway's base URL once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface HostGateway {
  base: string;
  token: string;
  output: () => string;
  stop: () => void;
}

export async function startHostGateway(allowOrigin: string): Promise<HostGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-ui-gateway-'));
  const token = 'playground-remote-token-0123456789';
  writeFileSync(join(dir, 'token'), `${token}\n`);
  writeFileSync(
    join(dir, 'vm.json'),
    JSON.stringify({
      'boot-source': {
        kernel_image_path: join(REPO, 'public/images/riscv64/Image.gz'),
        initrd_path: join(REPO, 'public/images/riscv64/initramfs.cpio.gz'),
        boot_args: 'console=ttyS0 earlycon=sbi panic=1',
      },
      'machine-config': { vcpu_count: 1, mem_size_mib: 64 },
    }),
  );
  const child: ChildProcess = spawn(
    join(REPO, 'host/bin/kindling-host'),
    [
      'gateway',
      '--listen',
      '127.0.0.1:0',
      '--token-file',
      join(dir, 'token'),
      '--socket-dir',
      join(dir, 'socks'),
      '--allow-origin',
      allowOrigin,
      '--vm',
      `alpha:${join(dir, 'vm.json')}`,
      '--engine',
      'wasm',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    const found = /gateway listening on (http:\/\/\S+)/.exec(output);
    if (found) return { base: found[1]!, token, output: () => output, stop };
    if (child.exitCode !== null || Date.now() - started > 60_000) {
      stop();
      throw new Error(`the gateway did not start: ${output.slice(-800)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
