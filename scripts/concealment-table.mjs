#!/usr/bin/env node
// Prints the concealment quality table of the README (run after `npm run build`):
// the Opus speech fixtures with FEC at 20 and 10 ms, under random and burst loss,
// concealed by the built-in PLC, libopus's PLC, in-band FEC, and silence.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEngineModule, sharedLibOpus } from '../dist/src/engine/node_loader.js';
import { readOpusFrames } from '../dist/src/codecs/opus_frames_file.js';
import { concealmentQuality } from '../dist/src/replay/concealment_quality.js';

console.log('| fixture | loss | lost packets | frames measured | concealment | segmental SNR dB (higher better) | log-spectral distance dB (lower better) | FEC recovered |');
console.log('|---|---|---|---|---|---|---|---|');
for (const name of ['speech-20ms-fec', 'speech-10ms-fec']) {
  const path = fileURLToPath(new URL(`../test/fixtures/opus/${name}.jlop`, import.meta.url));
  const fixture = readOpusFrames(readFileSync(path), name);
  for (const row of concealmentQuality(loadEngineModule(), sharedLibOpus(), fixture.packets, fixture.packetSamples)) {
    console.log(`| ${name} | ${row.loss} | ${row.lostPackets} | ${row.frames} | ${row.mode} | ${row.segmentalSnrDb.toFixed(2)} | ${row.logSpectralDistanceDb.toFixed(2)} | ${row.fecRecovered} |`);
  }
}
