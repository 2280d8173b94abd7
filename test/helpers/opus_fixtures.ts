// The committed Opus fixtures (test/fixtures/opus, made by scripts/make-opus-fixtures.mjs):
// the first 6 s of the shipped speech sample, libopus at 32 kbps, 10 or 20 ms packets,
// with or without in-band FEC.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readOpusFrames, type OpusFramesFile } from '../../src/codecs/opus_frames_file.js';

export type OpusFixtureName = 'speech-10ms-fec' | 'speech-10ms-nofec' | 'speech-20ms-fec' | 'speech-20ms-nofec';

export function opusFixture(name: OpusFixtureName): OpusFramesFile {
  const path = fileURLToPath(new URL(`../fixtures/opus/${name}.jlop`, import.meta.url));
  return readOpusFrames(readFileSync(path), name);
}
