// A static file server on 127.0.0.1 for the browser replay (and the browser
// tests): a folder served as it is, and under /isolated/ the same folder with
// COOP/COEP, so a page there is cross-origin isolated and SharedArrayBuffer
// reaches the worklet. Node only.

import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.csv': 'text/csv',
  '.svg': 'image/svg+xml',
};

/** Serves `root` on a free port of 127.0.0.1; /isolated/PATH serves PATH with COOP/COEP headers. */
export async function startStaticServer(root: string): Promise<{ server: Server; origin: string }> {
  const base = normalize(root.endsWith('/') ? root : `${root}/`);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    const isolated = path.startsWith('/isolated/');
    if (isolated) path = path.slice('/isolated'.length);
    const file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      const headers: Record<string, string> = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (isolated) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
        headers['cross-origin-resource-policy'] = 'same-origin';
      }
      res.writeHead(200, headers).end(body);
    } catch {
      if (path === '/favicon.ico') res.writeHead(204).end();
      else res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}
