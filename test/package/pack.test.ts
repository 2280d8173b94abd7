// The npm package as a consumer gets it: `npm pack`, the tarball unpacked
// into a fresh app's node_modules (offline and deterministic: no registry),
// its types compiled by tsc, the app built by Vite (the repository's own), and
// both the Vite build and a plain-ESM page (importmap, no bundler) loaded in
// headless Chromium, where a tone pushed through JitterlaneNode must come out.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { browserAvailable, launchBrowser, openPage } from '../browser/harness.js';
import { startStaticServer } from '../../src/replay/static_server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./app/', import.meta.url));
const OPUS_SPEECH = fileURLToPath(new URL('../fixtures/opus/speech-20ms-fec.jlop', import.meta.url));
/** A 0.5-amplitude sine has an RMS of 0.354; within 1.5 dB of it means the tone came through whole. */
const TONE_RMS = 0.5 / Math.SQRT2;
const MIN_RMS = TONE_RMS * 10 ** (-1.5 / 20);

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}
interface PlayResult {
  peakRms: number;
  transport: string;
  packetsReceived: number;
  monitorProfile: string;
  decoderErrors: number;
}

let work = '';
let app = '';
let packed: PackResult;

/** Unpacks the tarball as npm would install it, and links its runtime dependencies from the repository (no registry). */
function installTarball(tarball: string, into: string): void {
  const target = join(into, 'node_modules/jitterlane');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = join(into, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
}

/**
 * The package files `file` names: relative imports, re-exports and dynamic
 * imports, `new URL('…', import.meta.url)` (the worklet, the wasm), and in a
 * page, imports by root path ('/dist/…', the package root served as the site).
 */
function references(file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1];
      if (specifier.startsWith('/')) found.push(specifier.slice(1));
      else if (specifier.startsWith('.')) found.push(posix.normalize(posix.join(posix.dirname(file), specifier)));
    }
  }
  // A declaration file names './x.js' for the types of x: those are in './x.d.ts'; AssemblyScript names './x' for x.ts.
  if (file.endsWith('.d.ts')) return found.map((target) => target.replace(/\.js$/, '.d.ts'));
  if (file.endsWith('.ts')) return found.map((target) => (/\.\w+$/.test(target) ? target : `${target}.ts`));
  return found;
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('the npm package', () => {
  let server: Server | undefined;
  let origin = '';
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/worklet/jitterlane-processor.js'))) throw new Error('run `npm run build` first: the package ships the build');
    work = mkdtempSync(join(tmpdir(), 'jitterlane-pack-'));
    // --ignore-scripts: `prepare` would rebuild, and `npm test` has just built.
    const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    packed = (JSON.parse(output) as PackResult[])[0];
    app = join(work, 'app');
    cpSync(FIXTURE, app, { recursive: true });
    // Opus speech for the app to play: at the root for the plain page, in public/ for Vite.
    for (const to of ['speech.jlop', 'public/speech.jlop']) cpSync(OPUS_SPEECH, join(app, to));
    installTarball(join(work, packed.filename), app);
    server = (await startStaticServer(app)).server;
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the build, the types, the worklet, the wasm, the changelog and the licence, and no tests or demo', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    for (const path of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'build/jitterlane.wasm', 'build/libopus.wasm', 'build/speech-48k.jlsp', 'dist/worklet/jitterlane-processor.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/jitterlane_node.d.ts', 'dist/assembly/abi.js', 'dist/assembly/abi.d.ts']) {
      expect(paths, path).toContain(path);
    }
    for (const path of paths) expect(path).not.toMatch(/^(test|demo|bench|dist\/bench|scripts)\//);
    // Nothing named as test code or a fixture anywhere, and not the 1.9 MB WAV: the replay reads build/speech-48k.jlsp.
    for (const path of paths) expect(path).not.toMatch(/(^|\/)(tests?|fixtures?|__tests__)\/|[._-](test|spec)\.|test_server|_exports\.ts$|\.wav$/);
  });

  it('ships no module that nothing a consumer runs reaches: every file of dist/ and assembly/ is imported from an entry', () => {
    const installed = join(app, 'node_modules/jitterlane');
    const files = new Set(packed.files.map((f) => f.path));
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string>; main: string };
    // Entries: the exports map, the bin, the shipped pages, the sources of the worklet bundles
    // (as the build script names them) and the engine's sources from assembly/index.ts.
    const bundleSources = [...readFileSync(join(ROOT, 'package.json'), 'utf8').matchAll(/esbuild (src\/\S+)\.ts/g)].map((m) => `dist/${m[1]}.js`);
    const entries = [
      ...Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry))),
      ...Object.values(manifest.bin), manifest.main, ...bundleSources, 'assembly/index.ts',
      ...[...files].filter((path) => path.endsWith('.html')),
    ].map((path) => path.replace(/^\.\//, ''));
    const reached = new Set<string>();
    const unresolved: string[] = [];
    const queue = entries.filter((path) => files.has(path));
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      // A module's code and its types go together (a types-only module is reached through its .d.ts alone).
      const twin = file.endsWith('.d.ts') ? file.replace(/\.d\.ts$/, '.js') : file.replace(/\.js$/, '.d.ts');
      if (files.has(twin)) queue.push(twin);
      for (const target of references(file, readFileSync(join(installed, file), 'utf8'))) {
        if (files.has(target)) queue.push(target);
        else unresolved.push(`${file} → ${target}`);
      }
    }
    expect(unresolved, 'imports that name a file the package lacks').toEqual([]);
    const modules = [...files].filter((path) => /^(dist\/.*\.(js|d\.ts)|assembly\/.*\.ts)$/.test(path) && !path.startsWith('dist/worklet/'));
    expect(modules.filter((path) => files.has(path) && !reached.has(path)), 'shipped modules no entry reaches (test-only or stale)').toEqual([]);
  });

  it('starts Chromium only as the caller says: no hard-coded --no-sandbox in any shipped module', () => {
    const installed = join(app, 'node_modules/jitterlane');
    for (const { path } of packed.files) {
      if (path.endsWith('.js')) expect(readFileSync(join(installed, path), 'utf8'), path).not.toContain("'--no-sandbox'");
    }
  });

  it('resolves every exports entry to a file in the package', () => {
    const installed = join(app, 'node_modules/jitterlane');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; types: string; sideEffects: boolean };
    const targets = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    expect(targets.length).toBeGreaterThan(10);
    for (const target of [...targets, manifest.types]) expect(existsSync(join(installed, target)), target).toBe(true);
    // Importing a module runs no code a consumer needs: bundlers may drop unused imports.
    expect(manifest.sideEffects).toBe(false);
    // 'jitterlane/node' is the deprecated name of 'jitterlane/browser' (the AudioWorklet node), the same files.
    expect(manifest.exports['./node']).toEqual(manifest.exports['./browser']);
  });

  it.each(['bundler', 'nodenext'])('type-checks a consumer with moduleResolution %s', (resolution) => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const module = resolution === 'bundler' ? 'esnext' : 'nodenext';
    // tsc prints its errors on stdout; a failure throws with them in the message.
    execFileSync(process.execPath, [tsc, '-p', join(app, 'tsconfig.json'), '--moduleResolution', resolution, '--module', module], { cwd: app, encoding: 'utf8' });
  });

  it('plays a tone and Opus speech in a Vite build of an app that imports it by name', async () => {
    const { build } = await import('vite');
    await build({ root: app, base: './', configFile: false, logLevel: 'warn', build: { outDir: join(app, 'dist'), emptyOutDir: true } });
    const assets = readdirSync(join(app, 'dist/assets'));
    // Vite followed new URL(..., import.meta.url) and emitted the worklet and the engine beside the bundle.
    expect(assets.some((f) => /^jitterlane-processor-.*\.js$/.test(f))).toBe(true);
    expect(assets.some((f) => /^jitterlane-.*\.wasm$/.test(f))).toBe(true);
    expect(assets.some((f) => /^libopus-.*\.wasm$/.test(f))).toBe(true);
    const opus = await play('/dist/index.html', origin, 'playOpus');
    expect(opus.packetsReceived).toBe(50);
    expect(opus.decoderErrors).toBe(0);
    expect(opus.peakRms).toBeGreaterThan(0.02);
    const result = await play('/dist/index.html');
    expect(result.transport).toBe('port');
    expect(result.packetsReceived).toBe(50);
    expect(result.monitorProfile).toBe('classic');
    expect(result.peakRms).toBeGreaterThan(MIN_RMS);
  });

  it('plays a tone from the Vite dev server (its dependency pre-bundling moves the module the URLs are relative to)', async () => {
    const { createServer } = await import('vite');
    const dev = await createServer({ root: app, configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
    await dev.listen();
    try {
      const result = await play('/index.html', dev.resolvedUrls!.local[0].replace(/\/$/, ''));
      expect(result.packetsReceived).toBe(50);
      expect(result.peakRms).toBeGreaterThan(MIN_RMS);
    } finally {
      await dev.close();
    }
  });

  it('plays a tone and Opus speech in a plain ES-module page that maps the package with an importmap', async () => {
    const opus = await play('/plain.html', origin, 'playOpus');
    expect(opus.packetsReceived).toBe(50);
    expect(opus.peakRms).toBeGreaterThan(0.02);
    const result = await play('/plain.html');
    expect(result.packetsReceived).toBe(50);
    expect(result.peakRms).toBeGreaterThan(MIN_RMS);
  });

  /** Loads a page of the app and plays 1 s (50 packets of 20 ms) of the tone, or of Opus speech. */
  async function play(path: string, at = origin, what: 'playTone' | 'playOpus' = 'playTone'): Promise<PlayResult> {
    const page = await openPage(browser!.context, `${at}${path}`);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
    const result = await page.evaluate((name) => (window as unknown as Record<string, (s: number) => Promise<PlayResult>>)[name](1), what);
    await page.close();
    console.log(`package ${at === origin ? '' : 'vite dev '}${path} ${what}: peak RMS ${result.peakRms.toFixed(3)} (tone ${TONE_RMS.toFixed(3)}), ${result.packetsReceived} packets`);
    return result;
  }
});
