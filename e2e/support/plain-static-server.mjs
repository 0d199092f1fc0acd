// A static file server that sends NO cross-origin isolation headers: it stands in for a static host
// (e.g. GitHub Pages) so e2e can check the service-worker fallback and the "no SharedArrayBuffer" message.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const [rootArg = 'dist', portArg = '4174'] = process.argv.slice(2);
const root = resolve(rootArg);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return void res.end('ok');
  const path = normalize(join(root, decodeURIComponent(url.pathname)));
  if (!path.startsWith(root)) return void res.writeHead(403).end();
  const file = url.pathname.endsWith('/') ? join(path, 'index.html') : path;
  try {
    const body = await readFile(file);
    res
      .writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}).listen(Number(portArg), '127.0.0.1');
