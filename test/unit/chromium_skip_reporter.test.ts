// Issue #14 item 9: `npm test` without Chromium says in one line how many
// browser tests were skipped and how to install it (the reporter in
// test/browser/chromium_skip_reporter.ts, wired in vitest.config.ts). Checked
// end to end by hiding /usr/bin/chromium in a mount namespace (see the report
// of the change); here the reporter is fed test modules as vitest hands them.

import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import ChromiumSkipReporter from '../browser/chromium_skip_reporter.js';

/** A test module as the reporter reads it: its file and its tests' states. */
function moduleOf(moduleId: string, states: string[]): TestModule {
  return { moduleId, children: { allTests: () => states.map((state) => ({ result: () => ({ state }) })) } } as unknown as TestModule;
}

function reportOf(available: boolean, modules: TestModule[]): string {
  let out = '';
  new ChromiumSkipReporter({ available: () => available, write: (text) => (out += text) }).onTestRunEnd(modules);
  return out;
}

const MODULES = [
  moduleOf('/repo/test/browser/worklet.test.ts', ['skipped', 'skipped', 'skipped']),
  moduleOf('/repo/test/package/pack.test.ts', ['skipped']),
  moduleOf('/repo/test/unit/wrap.test.ts', ['passed', 'skipped']),
];

describe('issue 14 item 9: the browser tests skipped for want of Chromium are counted in one line', () => {
  it('counts the skipped tests of test/browser and test/package and says how to install Chromium', () => {
    expect(reportOf(false, MODULES)).toBe('\n4 browser tests skipped: Chromium is not installed at /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium; then npm test again)\n');
  });

  it('says nothing when Chromium is installed, or when no browser test was skipped', () => {
    expect(reportOf(true, MODULES)).toBe('');
    expect(reportOf(false, [moduleOf('/repo/test/browser/worklet.test.ts', ['passed'])])).toBe('');
  });
});
