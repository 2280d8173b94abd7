// A vitest reporter that says, in one line at the end of `npm test`, how many
// browser tests were skipped because Chromium is not installed and how to
// install it (issue #14 item 9): without it the run quietly passed with 46
// tests never run. Silent when Chromium is there (nothing is skipped for it).

import type { Reporter, TestModule } from 'vitest/node';
import { chromiumAvailable, chromiumPath } from '../../src/replay/chromium.js';

/** Test files that need Chromium: they skip themselves when it is missing (describe.runIf(browserAvailable())). */
const BROWSER_TEST_FOLDERS = ['/test/browser/', '/test/package/'];

/** The line printed when `skipped` browser tests did not run for want of Chromium. */
export function chromiumSkippedLine(skipped: number): string {
  return `${skipped} browser test${skipped === 1 ? '' : 's'} skipped: Chromium is not installed at ${chromiumPath()} (Debian/Ubuntu: sudo apt-get install chromium; then npm test again)`;
}

export default class ChromiumSkipReporter implements Reporter {
  private readonly available: () => boolean;
  private readonly write: (text: string) => void;

  /** vitest passes the reporter's options; `available` and `write` let the test say Chromium is missing and read the line. */
  constructor(options: { available?: () => boolean; write?: (text: string) => void } = {}) {
    this.available = options.available ?? (() => chromiumAvailable());
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (this.available()) return;
    let skipped = 0;
    for (const module of testModules) {
      if (!BROWSER_TEST_FOLDERS.some((folder) => module.moduleId.includes(folder))) continue;
      for (const test of module.children.allTests()) if (test.result().state === 'skipped') skipped++;
    }
    if (skipped > 0) this.write(`\n${chromiumSkippedLine(skipped)}\n`);
  }
}
