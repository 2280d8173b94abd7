// Real-browser tests: the repository served on 127.0.0.1 and Debian's
// Chromium (see src/replay/chromium.ts, which the browser runtime uses too),
// launched without its sandbox: the tests run as root in CI containers, where
// Chromium's sandbox cannot start.

import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, type ChromiumLaunchOptions } from '../../src/replay/chromium.js';
import { startStaticServer } from '../../src/replay/static_server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How the tests start Chromium: the one chromium.ts finds, without the sandbox (root in a container). */
export const TEST_CHROMIUM: ChromiumLaunchOptions = { extraArgs: ['--no-sandbox'] };

/** True when the browser tests can run here (Chromium installed). */
export function browserAvailable(): boolean {
  return chromiumAvailable(TEST_CHROMIUM);
}

/** Serves the repository root; /isolated/PATH serves PATH with COOP/COEP headers. */
export function startServer(): Promise<{ server: Server; origin: string }> {
  return startStaticServer(ROOT);
}

/** Launches headless Chromium with a fresh profile, the tests' flags first, then `launch`'s flags and permissions. */
export function launchBrowser(launch: ChromiumLaunchOptions = {}): ReturnType<typeof launchChromium> {
  return launchChromium({ ...launch, extraArgs: [...(TEST_CHROMIUM.extraArgs ?? []), ...(launch.extraArgs ?? [])] });
}

/** Opens a page and forwards its console errors to the test output. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[page] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(url);
  return page;
}

/**
 * Inside a describe(): serves the repository and launches Chromium once for the
 * block (with `launch`'s extra flags and permissions, if any), and opens pages
 * that are ready (their script set window.pageReady). `context()` and
 * `origin()` are for tests that drive pages themselves.
 */
export function withBrowser(launch: ChromiumLaunchOptions = {}): { open(path: string): Promise<Page>; context(): BrowserContext; origin(): string } {
  let server: Server | undefined;
  let origin = '';
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    ({ server, origin } = await startServer());
    browser = await launchBrowser(launch);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });
  return {
    async open(path: string): Promise<Page> {
      const page = await openPage(browser!.context, `${origin}${path}`);
      await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
      return page;
    },
    context: () => browser!.context,
    origin: () => origin,
  };
}
