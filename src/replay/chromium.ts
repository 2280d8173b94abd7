// Headless Chromium for the browser runtime and the browser tests: a static
// server on 127.0.0.1 over a folder, and Debian's Chromium driven by
// playwright-core with the flags this kind of machine needs and a fresh
// profile. Paths under /isolated/ are served with COOP/COEP (cross-origin
// isolated: SharedArrayBuffer reaches the worklet). Node only; playwright-core
// is loaded on demand, so the package works without it until this is used.

import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

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

/** True when Chromium is installed where the runtime looks for it. */
export function chromiumAvailable(): boolean {
  try {
    return statSync(CHROMIUM).isFile();
  } catch {
    return false;
  }
}

/** Serves `root`; /isolated/PATH serves PATH with COOP/COEP headers. */
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

/** What a caller may add to the standard launch: more command-line flags, permissions granted to every page. */
export interface ChromiumLaunchOptions {
  extraArgs?: string[];
  permissions?: string[];
}

/** Launches headless Chromium with a fresh profile; close() removes the profile. */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!chromiumAvailable()) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('the browser runtime needs playwright-core (npm install playwright-core)');
  }
  const profile = mkdtempSync(join(tmpdir(), 'jitterlane-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.extraArgs ?? []),
    ],
    permissions: options.permissions,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
