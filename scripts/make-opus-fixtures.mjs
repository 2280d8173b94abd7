#!/usr/bin/env node
// Regenerates test/fixtures/opus/: the first 6 s of the shipped speech sample
// (assets/speech-48k.wav) encoded by libopus (build/libopus.wasm, from
// @evan/opus) at 32 kbps, VoIP application, with and without in-band FEC
// (expected loss 20 %), in 10 ms and 20 ms packets. Run after `npm run build`.
// libopus's encoder is deterministic, so rerunning it rewrites the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedLibOpus } from '../dist/src/engine/node_loader.js';
import { writeOpusFrames } from '../dist/src/codecs/opus_frames_file.js';
import { speechSample } from '../dist/src/replay/replacement_audio.js';

const SECONDS = 6;
const dir = fileURLToPath(new URL('../test/fixtures/opus/', import.meta.url));
mkdirSync(dir, { recursive: true });
const speech = speechSample().subarray(0, SECONDS * 48000);
for (const ms of [10, 20]) {
  for (const fec of [true, false]) {
    const samples = ms * 48;
    const encoder = sharedLibOpus().createEncoder({ channels: 1, fec, bitrate: 32000, expectedLossPercent: 20 });
    const packets = [];
    for (let at = 0; at + samples <= speech.length; at += samples) packets.push(encoder.encode(speech.subarray(at, at + samples)));
    encoder.destroy();
    const name = `speech-${ms}ms-${fec ? 'fec' : 'nofec'}.jlop`;
    writeFileSync(dir + name, writeOpusFrames({ packetSamples: samples, channels: 1, fec, packets }));
    console.log(`${name}: ${packets.length} packets, ${packets.reduce((s, p) => s + p.length, 0)} bytes`);
  }
}
