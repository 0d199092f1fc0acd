import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/**
 * Cross-origin isolation makes `crossOriginIsolated` true, which is what unlocks SharedArrayBuffer
 * (guest RAM, vCPU mailboxes). Both the dev server and `vite preview` (the start command) send it.
 * Static hosts that cannot set headers get the same effect from public/isolation-sw.js.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    headers: isolationHeaders,
    fs: { allow: [repoRoot] },
  },
  preview: {
    headers: isolationHeaders,
  },
});
