// The demo page (`npm run demo`) in headless Chromium: the server started as
// the command starts it, a bundled-and-shared trace played in real time, and
// what a visitor would see checked — plots that move, a stats table that
// counts, audio that is not silence, the ECN switch acting on the auto
// profile, and the naive FIFO playing beside jitterlane. A screenshot is kept
// in out/test-artifacts/demo.png.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, openPage } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = `${ROOT}out/test-artifacts/demo.png`;
/** In both ../shared/traces/raw and assets/traces, so the test plays the same trace on every machine. */
const TRACE = 'l4stests_irtt_up_dualpi2_l';
/**
 * Level above which the output is not silence: the speech sample's RMS over a 2048-sample
 * window peaks near 0.1 (−20 dBFS); concealment fading to silence and dither stay far below 0.01.
 */
const NOT_SILENT_RMS = 0.01;

interface DemoState {
  running: boolean;
  transport: string;
  statsUpdates: number;
  packetsDelivered: number;
  profile: string;
  profileSwitches: number;
  chartPoints: Record<string, number>;
  last: {
    stats: { packetsReceived: number; totalSamplesReceived: number; jitterlane: Record<string, number> };
    fifo: { bufferedMs: number; underrunMs: number; playedMs: number } | null;
    evidence: { profile: string; pathClass: string; ect1Share: number } | null;
    levels: { jitterlanePeak: number; fifoPeak: number };
  } | null;
}

/** Starts `node demo/server.mjs --port 0` and reads the URL it prints. */
function startDemo(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['demo/server.mjs', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /jitterlane demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`demo server exited with ${code}: ${output}`)));
  });
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('the demo page', () => {
  let demo: { child: ChildProcess; url: string } | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    demo?.child.kill();
  });

  async function openDemo(): Promise<Page> {
    const page = await openPage(browser!.context, demo!.url);
    await page.waitForFunction(() => 'demo' in window);
    await page.evaluate(() => (window as unknown as { demo: { ready: Promise<void> } }).demo.ready);
    await page.selectOption('#trace', TRACE);
    return page;
  }

  const state = (page: Page) => page.evaluate(() => (window as unknown as { demo: { state(): DemoState } }).demo.state());
  const updatesReach = (page: Page, n: number) =>
    page.waitForFunction((count) => (window as unknown as { demo: { state(): DemoState } }).demo.state().statsUpdates >= count, n);
  const canvases = (page: Page) => page.$$eval('canvas', (list) => list.map((c) => (c as HTMLCanvasElement).toDataURL()));

  it('plays a trace with moving plots, a counting stats table and audible output, over the shared ring', async () => {
    const page = await openDemo();
    await page.selectOption('#profile', 'auto');
    await page.click('#start');
    // 20 polls of 100 ms: 2 s of trace, enough for the ECN window (2 s, ≥ 40 packets).
    await updatesReach(page, 20);
    const before = await state(page);
    const imagesBefore = await canvases(page);
    const tableBefore = await page.textContent('#stats');
    await updatesReach(page, before.statsUpdates + 10);
    const after = await state(page);
    const imagesAfter = await canvases(page);
    const tableAfter = await page.textContent('#stats');

    // The page is cross-origin isolated, so the node took the SharedArrayBuffer ring.
    expect(after.transport).toBe('shared-ring');
    // Every plot took new points; those whose values move every poll (arrivals, buffer) were redrawn
    // differently. The events and profile plots can be flat for a second (no stretch, no switch), and a
    // flat strip redraws to the same picture.
    for (const name of ['arrivals', 'buffer', 'events', 'profiles']) expect(after.chartPoints[name]).toBeGreaterThan(before.chartPoints[name]);
    for (const i of [0, 1]) expect(imagesAfter[i]).not.toBe(imagesBefore[i]);
    // The stats table is the node's getStats(), and its counters moved.
    expect(tableAfter).not.toBe(tableBefore);
    expect(tableAfter).toContain('packetsReceived');
    expect(after.last!.stats.packetsReceived).toBeGreaterThan(before.last!.stats.packetsReceived);
    expect(after.last!.stats.packetsReceived).toBeLessThanOrEqual(after.packetsDelivered);
    expect(after.last!.stats.jitterlane.renderErrors).toBe(0);
    // Every payload was one the node's codec decodes (the page sends PCM: the trace must say so).
    expect(after.last!.stats.jitterlane.packetsInvalid).toBe(0);
    expect(after.last!.stats.jitterlane.decoderErrors).toBe(0);
    expect(after.last!.stats.jitterlane.ringOverflow).toBe(0);
    // Speech came out of the node.
    expect(after.last!.levels.jitterlanePeak).toBeGreaterThan(NOT_SILENT_RMS);

    // ECN evidence on: every packet counts as ECT(1), and the monitor sees an L4S path.
    await page.waitForFunction(() => (window as unknown as { demo: { state(): DemoState } }).demo.state().last?.evidence?.pathClass === 'l4s');
    // Off: the marks are bleached, and the monitor stops calling the path L4S.
    await page.uncheck('#ecn');
    await page.waitForFunction(() => {
      const evidence = (window as unknown as { demo: { state(): DemoState } }).demo.state().last?.evidence;
      return evidence !== null && evidence !== undefined && evidence.pathClass !== 'l4s' && evidence.ect1Share < 0.9;
    });

    // A profile picked by hand: the node switches, the plots mark it and draw its floor.
    // (The other one than is playing: on a slow machine the monitor may have entered l4s already.)
    const beforeSwitch = await state(page);
    const picked = beforeSwitch.profile === 'l4s' ? 'classic' : 'l4s';
    await page.selectOption('#profile', picked);
    await updatesReach(page, beforeSwitch.statsUpdates + 10);
    const switched = await state(page);
    expect(switched.profile).toBe(picked);
    expect(switched.profileSwitches).toBe(beforeSwitch.profileSwitches + 1);
    expect(switched.last!.stats.jitterlane.profileSwitches).toBeGreaterThan(beforeSwitch.last!.stats.jitterlane.profileSwitches);
    mkdirSync(`${ROOT}out/test-artifacts`, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(
      `demo: ${switched.packetsDelivered} packets delivered, ${switched.last!.stats.packetsReceived} received, ` +
        `peak output RMS ${switched.last!.levels.jitterlanePeak.toFixed(3)}, screenshot ${SCREENSHOT}`,
    );

    await page.click('#stop');
    expect((await state(page)).running).toBe(false);
    await page.close();
  });

  it('plays the same packets through the naive FIFO beside jitterlane', async () => {
    const page = await openDemo();
    await page.selectOption('#profile', 'classic');
    await page.click('#side-by-side');
    await updatesReach(page, 20);
    const { last, chartPoints } = await state(page);
    expect(last!.fifo).not.toBeNull();
    // Both players produced speech from the same packets.
    expect(last!.fifo!.playedMs).toBeGreaterThan(0);
    expect(last!.levels.fifoPeak).toBeGreaterThan(NOT_SILENT_RMS);
    expect(last!.levels.jitterlanePeak).toBeGreaterThan(NOT_SILENT_RMS);
    expect(chartPoints.buffer).toBeGreaterThan(0);
    console.log(`demo side by side: FIFO played ${last!.fifo!.playedMs.toFixed(0)} ms with ${last!.fifo!.underrunMs.toFixed(0)} ms of gaps, peak RMS ${last!.levels.fifoPeak.toFixed(3)}; jitterlane peak RMS ${last!.levels.jitterlanePeak.toFixed(3)}`);
    await page.click('#stop');
    await page.close();
  });
});
