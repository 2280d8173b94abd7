// Concealment quality of Opus speech under loss (README "Concealment quality"):
// in-band FEC, libopus's PLC and the engine's built-in PLC against a loss-free
// decode. The figures are deterministic (seeded losses, deterministic codec);
// the bounds are the ordering the issue asks for, with margins well inside the
// measured gaps (the table: node scripts/concealment-table.mjs).

import { describe, expect, it } from 'vitest';
import { sharedLibOpus, loadEngineModule } from '../../src/engine/node_loader.js';
import { concealmentQuality, type ConcealmentQualityRow } from '../../src/replay/concealment_quality.js';
import { opusFixture } from '../helpers/opus_fixtures.js';

function byMode(rows: ConcealmentQualityRow[], loss: string): Record<string, ConcealmentQualityRow> {
  return Object.fromEntries(rows.filter((r) => r.loss === loss).map((r) => [r.mode, r]));
}

describe.each(['speech-20ms-fec', 'speech-10ms-fec'] as const)('concealment of lost Opus packets in %s', (name) => {
  const fixture = opusFixture(name);
  const rows = concealmentQuality(loadEngineModule(), sharedLibOpus(), fixture.packets, fixture.packetSamples);
  const losses = [...new Set(rows.map((r) => r.loss))];

  it.each(losses)('ranks FEC above codec PLC above silence by log-spectral distance (%s)', (loss) => {
    const m = byMode(rows, loss);
    expect(m['FEC']!.frames).toBeGreaterThan(20);
    // Lower is better. Measured gaps (20 ms, 10 % random): FEC 8.5, codec PLC 19.4, silence 67.3 dB.
    expect(m['FEC']!.logSpectralDistanceDb).toBeLessThan(m['codec PLC']!.logSpectralDistanceDb);
    expect(m['codec PLC']!.logSpectralDistanceDb).toBeLessThan(m['silence']!.logSpectralDistanceDb - 20);
    expect(m['built-in PLC']!.logSpectralDistanceDb).toBeLessThan(m['silence']!.logSpectralDistanceDb - 20);
    expect(m['FEC']!.fecRecovered).toBeGreaterThan(0);
  });

  it.each(losses.filter((l) => l.includes('random')))('recovers the waveform only with FEC: segmental SNR (%s)', (loss) => {
    const m = byMode(rows, loss);
    // One lost packet at a time: FEC rebuilds it (6.4 to 12.3 dB measured); concealment
    // only guesses the waveform: libopus's PLC asked 10 ms at a time carries its first
    // milliseconds on (1.2 to 3.2 dB measured), silence is 0 by definition.
    expect(m['FEC']!.segmentalSnrDb).toBeGreaterThan(m['codec PLC']!.segmentalSnrDb + 4);
    expect(m['FEC']!.segmentalSnrDb).toBeGreaterThan(m['silence']!.segmentalSnrDb + 4);
    expect(Math.abs(m['codec PLC']!.segmentalSnrDb)).toBeLessThan(4);
    // Most losses are recovered; the rest follow another loss (FEC reaches back one packet)
    // or precede a packet without LBRR. Measured: 70 % (20 ms, 20 % loss) to 90 %.
    expect(m['FEC']!.fecRecovered).toBeGreaterThan(0.6 * m['FEC']!.lostPackets);
  });
});
