// `npm run demo`: serves the demo page on 127.0.0.1 with COOP/COEP on every
// response, so the page is cross-origin isolated and JitterlaneNode uses its
// SharedArrayBuffer packet ring (the transport a real app would get). Besides
// the page and the built package (dist/, build/jitterlane.wasm) it answers:
//   GET /api/traces          the trace list (../shared/traces if present, else assets/traces)
//   GET /api/trace?name=N    one trace's packet timing (see trace_json.mjs)
//   GET /api/speech.pcm      the speech sample, 48 kHz mono int16 little-endian
// Run as `node demo/server.mjs [--port N]` (port 0 picks a free one); it prints the URL.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The page may load only these folders of the repository: the demo and what the package ships. */
const SERVED = ['demo', 'dist/src', 'dist/assembly', 'dist/worklet', 'build'];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Cross-origin isolation: without both headers SharedArrayBuffer cannot reach the worklet. */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

async function loadBuild() {
  if (!existsSync(join(ROOT, 'dist/src/jitterlane_node.js')) || !existsSync(join(ROOT, 'build/jitterlane.wasm'))) {
    throw new Error('the demo needs the build: run `npm run build` (or `npm run demo`, which builds first)');
  }
  const [{ traceFiles, defaultTraceDir }, { speechSample }, { traceJson }] = await Promise.all([
    import('../dist/src/replay/trace_set.js'),
    import('../dist/src/replay/replacement_audio.js'),
    import('./trace_json.mjs'),
  ]);
  return { traceFiles, defaultTraceDir, speechSample, traceJson };
}

/** Starts the server; resolves with its URL and a close function. */
export async function startDemoServer({ port = 8080, host = '127.0.0.1' } = {}) {
  const { traceFiles, defaultTraceDir, speechSample, traceJson } = await loadBuild();
  const traceDir = defaultTraceDir();
  const traces = traceFiles(traceDir);
  // Traces are read on first request and kept: the slowest shared one takes ~0.1 s to prepare.
  const prepared = new Map();
  const speech = speechSample();
  const speechBytes = Buffer.from(speech.buffer, speech.byteOffset, speech.byteLength);

  function send(res, status, type, body) {
    res.writeHead(status, { 'content-type': type, ...ISOLATION }).end(body);
  }

  function api(url, res) {
    if (url.pathname === '/api/traces') {
      send(res, 200, MIME['.json'], JSON.stringify({ folder: traceDir, traces: traces.map((t) => t.name) }));
    } else if (url.pathname === '/api/trace') {
      const file = traces.find((t) => t.name === url.searchParams.get('name'));
      if (!file) return send(res, 404, 'text/plain', 'no such trace');
      try {
        if (!prepared.has(file.name)) prepared.set(file.name, JSON.stringify(traceJson(file.path)));
        send(res, 200, MIME['.json'], prepared.get(file.name));
      } catch (error) {
        send(res, 500, 'text/plain', `cannot read ${file.name}: ${error.message}`);
      }
    } else if (url.pathname === '/api/speech.pcm') {
      send(res, 200, 'application/octet-stream', speechBytes);
    } else {
      send(res, 404, 'text/plain', 'not found');
    }
  }

  function file(url, res) {
    // The page lives at /demo/ so that its relative imports (./main.js) resolve inside demo/.
    if (url.pathname === '/' || url.pathname === '/demo') {
      res.writeHead(302, { location: '/demo/', ...ISOLATION }).end();
      return;
    }
    const path = url.pathname === '/demo/' ? '/demo/index.html' : decodeURIComponent(url.pathname);
    const full = normalize(join(ROOT, path));
    if (!SERVED.some((dir) => full.startsWith(join(ROOT, dir) + sep))) return send(res, 404, 'text/plain', 'not found');
    try {
      send(res, 200, MIME[extname(full)] ?? 'application/octet-stream', readFileSync(full));
    } catch {
      send(res, 404, 'text/plain', 'not found');
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) api(url, res);
    else file(url, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return { url: `http://${host}:${address.port}/demo/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be 0..65535, got ${values.port}`);
    process.exit(2);
  }
  startDemoServer({ port }).then(
    ({ url }) => console.log(`jitterlane demo: ${url}`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
