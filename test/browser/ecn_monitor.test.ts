// EcnMonitor against a real RTCPeerConnection in Chromium: it reads whatever
// ECN counters the browser exposes, without errors, and says "no evidence"
// when there are none rather than guessing.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

interface EcnResult {
  errors: string[];
  profiles: string[];
  evidence: { profile: string; pathClass: string; packetsInWindow: number; switches: unknown[] };
  blindEvidence: { profile: string; pathClass: string; packetsInWindow: number; switches: unknown[] };
  packetsReceived: number;
  exposesEct1: boolean;
  exposesCe: boolean;
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('EcnMonitor in Chromium', () => {
  const browser = withBrowser();

  it('reads a real receiver without errors and reports no evidence when ECN counters are absent', async () => {
    const page = await browser.open(`/test/browser/pages/ecn.html`);
    const result = await page.evaluate(() => (window as unknown as { runEcn: (o: unknown) => Promise<EcnResult> }).runEcn({ seconds: 3 }));
    expect(result.errors).toEqual([]);
    expect(result.packetsReceived).toBeGreaterThan(50);
    if (result.exposesEct1) {
      // Chromium reports the counters: loopback audio is not ECT(1)-marked, so never l4s.
      expect(result.evidence.profile).toBe('classic');
      expect(['not-ect', 'unknown', 'mixed', 'classic-ecn']).toContain(result.evidence.pathClass);
    } else {
      // No counters at all: no evidence, no guess, no switch.
      expect(result.evidence.pathClass).toBe('unknown');
      expect(result.evidence.packetsInWindow).toBe(0);
    }
    expect(result.profiles).toEqual([]);
    expect(result.evidence.switches).toEqual([]);
    // A browser without the fields (simulated by stripping them): no evidence, classic, no switch.
    expect(result.blindEvidence.pathClass).toBe('unknown');
    expect(result.blindEvidence.packetsInWindow).toBe(0);
    expect(result.blindEvidence.profile).toBe('classic');
    expect(result.blindEvidence.switches).toEqual([]);
  });
});
