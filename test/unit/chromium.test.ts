// Which Chromium the browser replay starts, and with which flags
// (src/replay/chromium.ts): the caller's option first, then the environment,
// then PATH, then Debian's /usr/bin/chromium; never --no-sandbox unless asked.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS_ENV, CHROMIUM_PATH_ENV, chromiumArgs, chromiumPath } from '../../src/replay/chromium.js';

const bin = mkdtempSync(join(tmpdir(), 'jitterlane-chromium-path-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** An executable file named `name` in the temporary PATH folder. */
function fakeExecutable(name: string): string {
  const path = join(bin, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('chromiumPath', () => {
  it('takes the executablePath option before anything else', () => {
    expect(chromiumPath({ executablePath: '/opt/chrome/chrome' }, { [CHROMIUM_PATH_ENV]: '/elsewhere', PATH: bin })).toBe('/opt/chrome/chrome');
  });

  it('takes $JITTERLANE_CHROMIUM when no option names one', () => {
    expect(chromiumPath({}, { [CHROMIUM_PATH_ENV]: '/snap/bin/chromium', PATH: bin })).toBe('/snap/bin/chromium');
  });

  it('finds the first known name on PATH, chromium before google-chrome', () => {
    const chrome = fakeExecutable('google-chrome');
    expect(chromiumPath({}, { PATH: `/nonexistent:${bin}` })).toBe(chrome);
    const chromium = fakeExecutable('chromium');
    expect(chromiumPath({}, { PATH: bin })).toBe(chromium);
  });

  it('falls back to Debian\'s /usr/bin/chromium when PATH has none', () => {
    expect(chromiumPath({}, { PATH: '/nonexistent' })).toBe('/usr/bin/chromium');
  });
});

describe('chromiumArgs', () => {
  it('starts headless, offline and without --no-sandbox by default', () => {
    const args = chromiumArgs({}, {});
    expect(args).toContain('--headless');
    expect(args).toContain('--disable-background-networking');
    expect(args).not.toContain('--no-sandbox');
  });

  it('adds the flags of $JITTERLANE_CHROMIUM_FLAGS, then those of the extraArgs option', () => {
    expect(chromiumArgs({}, { [CHROMIUM_FLAGS_ENV]: '--no-sandbox  --lang=en' }).slice(-2)).toEqual(['--no-sandbox', '--lang=en']);
    expect(chromiumArgs({ extraArgs: ['--mute-audio'] }, { [CHROMIUM_FLAGS_ENV]: '--no-sandbox' }).slice(-2)).toEqual(['--no-sandbox', '--mute-audio']);
  });
});
