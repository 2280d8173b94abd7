// A live call's flight recording, replayed in Node, gives the live run's
// output and counters exactly (issue #13): whatever concealed live was in
// the arrivals the recording holds, not in the engine. Both transports of the
// takeover: the worker's own shared ring, stamped on the audio clock
// (isolated page), and its port (plain page).

import { describe, expect, it } from 'vitest';
import { parseFlightFile, readFlightRecords } from '../../src/flight/recording.js';
import { replayFlight } from '../../src/flight/replay.js';
import { browserAvailable, withBrowser } from './harness.js';

interface FlightRun {
  file: string;
  takeover: { frames: number; emptyFrames: number; direct: number; ringFull: number };
  isolated: boolean;
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('the flight recorder in a live call', () => {
  const browser = withBrowser();

  for (const isolated of [true, false]) {
    it(`reproduces a live takeover's output and concealment in Node (${isolated ? 'worker ring, audio-clock stamps' : 'worker port'})`, async () => {
      const page = await browser.open(`${isolated ? '/isolated' : ''}/test/browser/pages/flight.html`);
      const run = await page.evaluate(() => (window as unknown as { runFlight: (o: unknown) => Promise<FlightRun> }).runFlight({ seconds: 5, profile: 'l4s' }));
      expect(run.isolated).toBe(isolated);
      // The frames went from the transform's worker straight into the worklet.
      expect(run.takeover.frames).toBeGreaterThan(100);
      expect(run.takeover.direct + run.takeover.emptyFrames).toBe(run.takeover.frames);
      const file = new Uint8Array(Buffer.from(run.file, 'base64'));
      const { header, records } = parseFlightFile(file);
      expect(header.dropped).toBe(0);
      const inserts = [...readFlightRecords(records)].filter((r) => r.kind === 'insert');
      expect(inserts.length).toBe(header.stats.packetsReceived);
      // Stamped on the audio clock where isolated (a frame number), left to the worklet otherwise (−1).
      expect(inserts.every((r) => (isolated ? r.arrivalFrame >= 0 : r.arrivalFrame === -1))).toBe(true);

      const replayed = replayFlight(file);
      expect(replayed.matches).toBe(true);
      for (const name of ['concealedSamples', 'concealmentEvents', 'packetsPlayed', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration'] as const) {
        expect(replayed.stats[name], name).toBe(header.stats[name]);
      }
    }, 60_000);
  }
});
