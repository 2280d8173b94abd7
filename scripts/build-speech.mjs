// Build step: assets/speech-48k.wav (the editable source, made by
// scripts/make-speech.sh) → build/speech-48k.jlsp, the lossless compact form
// the replay reads and the package ships (src/replay/speech_file.ts). Checks
// the round trip before writing. Runs after tsc (it uses dist/).

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '../dist/src/wav.js';
import { decodeSpeechFile, encodeSpeechFile } from '../dist/src/replay/speech_file.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const wav = decodeWav(readFileSync(`${root}assets/speech-48k.wav`));
if (wav.channels !== 1) throw new Error('build-speech: the speech sample must be mono');
// decodeWav gives int16 / 32768, exact in float32: multiplying back is exact too.
const samples = Int16Array.from(wav.samples, (v) => Math.round(v * 32768));
const file = encodeSpeechFile({ sampleRate: wav.sampleRate, samples });
const back = decodeSpeechFile(file).samples;
if (back.length !== samples.length || back.some((v, i) => v !== samples[i])) throw new Error('build-speech: the round trip changed the samples');
writeFileSync(`${root}build/speech-48k.jlsp`, file);
