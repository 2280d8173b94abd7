// The npm package as a consumer gets it: `npm pack`, the tarball unpacked
// into a fresh app's node_modules (offline and deterministic: no registry),
// its types compiled by tsc, the app built by Vite (the repository's own), and
// both the Vite build and a plain-ESM page (importmap, no bundler) loaded in
// headless Chromium, where a tone pushed through JitterlaneNode must come out.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { browserAvailable, launchBrowser, openPage } from '../browser/harness.js';
import { startStaticServer } from '../../src/replay/chromium.js';

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
    for (const path of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'build/jitterlane.wasm', 'build/libopus.wasm', 'dist/worklet/jitterlane-processor.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/jitterlane_node.d.ts', 'dist/assembly/abi.js', 'dist/assembly/abi.d.ts']) {
      expect(paths, path).toContain(path);
    }
    for (const path of paths) expect(path).not.toMatch(/^(test|demo|bench|dist\/bench|scripts)\//);
  });

  it('resolves every exports entry to a file in the package', () => {
    const installed = join(app, 'node_modules/jitterlane');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; types: string; sideEffects: boolean };
    const targets = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    expect(targets.length).toBeGreaterThan(10);
    for (const target of [...targets, manifest.types]) expect(existsSync(join(installed, target)), target).toBe(true);
    // Importing a module runs no code a consumer needs: bundlers may drop unused imports.
    expect(manifest.sideEffects).toBe(false);
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
