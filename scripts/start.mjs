#!/usr/bin/env node
// The playground's start command: build everything, then serve the built site with the
// cross-origin isolation headers (vite preview, configured in vite.config.ts) and print the URL.
import { spawnSync, spawn } from 'node:child_process';

const port = process.env.PORT ?? '4173';
const host = process.env.HOST ?? '127.0.0.1';

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('kindling: build failed, not serving.');
  process.exit(build.status ?? 1);
}
const server = spawn('npx', ['vite', 'preview', '--host', host, '--port', port, '--strictPort'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
server.stdout.on('data', (chunk) => process.stdout.write(chunk));
server.once('spawn', () => {
  console.log(`\nkindling: playground at http://${host}:${port}/  (Ctrl-C to stop)\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
