// Headless Chromium for the browser replay (and the browser tests), driven by
// playwright-core with a fresh profile. Which Chromium, and any flags beyond the
// headless set, are the caller's: an option, else an environment variable,
// else the first Chromium on PATH, else Debian's /usr/bin/chromium. Node only;
// playwright-core is loaded on demand, so the package works without it until
// this is used.

import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** Environment variable naming the Chromium (or Chrome) executable. */
export const CHROMIUM_PATH_ENV = 'JITTERLANE_CHROMIUM';
/** Environment variable with extra flags, space-separated (e.g. `--no-sandbox` where Chromium runs as root); added to every launch. */
export const CHROMIUM_FLAGS_ENV = 'JITTERLANE_CHROMIUM_FLAGS';

/** Executable names looked up on PATH, in this order: Debian's package, older Ubuntu's, Google's builds. */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
/** Where Debian's chromium package installs it: the last resort. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags every launch gets: headless without a GPU, and nothing that reaches the
 * network on its own (QUIC, background fetches, component updates, sync);
 * audio may start without a user gesture. No `--no-sandbox`: a caller that
 * needs it (Chromium as root, some containers) asks for it.
 */
const HEADLESS_FLAGS = [
  '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** How to start Chromium. */
export interface ChromiumLaunchOptions {
  /** The executable. Default: $JITTERLANE_CHROMIUM, else the first of chromium, chromium-browser, google-chrome-stable, google-chrome on PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** Flags added to the headless set and to those of $JITTERLANE_CHROMIUM_FLAGS, e.g. ['--no-sandbox']. */
  extraArgs?: string[];
  /** Permissions granted to every page (e.g. 'microphone'). */
  permissions?: string[];
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The executable `options` (or the environment, or PATH) name: the path to launch, which may not exist. */
export function chromiumPath(options: ChromiumLaunchOptions = {}, env: NodeJS.ProcessEnv = process.env): string {
  if (options.executablePath) return options.executablePath;
  if (env[CHROMIUM_PATH_ENV]) return env[CHROMIUM_PATH_ENV]!;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of PATH_NAMES) if (isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return DEBIAN_CHROMIUM;
}

/** Every flag a launch with `options` passes: the headless set, then $JITTERLANE_CHROMIUM_FLAGS, then the caller's. */
export function chromiumArgs(options: ChromiumLaunchOptions = {}, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env[CHROMIUM_FLAGS_ENV] ?? '').split(' ').filter((flag) => flag !== '');
  return [...HEADLESS_FLAGS, ...fromEnv, ...(options.extraArgs ?? [])];
}

/** True when the Chromium that `options` name is installed (an executable file). */
export function chromiumAvailable(options: ChromiumLaunchOptions = {}): boolean {
  return isExecutableFile(chromiumPath(options));
}

/** Launches headless Chromium with a fresh profile; close() removes the profile. */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const executablePath = chromiumPath(options);
  if (!isExecutableFile(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install one (Debian: apt-get install chromium), or name it with ${CHROMIUM_PATH_ENV} or the executablePath option`);
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('the browser runtime needs playwright-core (npm install playwright-core)');
  }
  const profile = mkdtempSync(join(tmpdir(), 'jitterlane-chromium-'));
  // chromiumSandbox: true, or playwright adds --no-sandbox by itself: the sandbox is off only when the caller's flags say so.
  const context = await playwright.chromium.launchPersistentContext(profile, { executablePath, headless: true, chromiumSandbox: true, args: chromiumArgs(options), permissions: options.permissions });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
