// The speech sample's compact form (src/replay/speech_file.ts), which the
// package ships instead of the 1.9 MB WAV: lossless, so every replay plays the
// very samples of assets/speech-48k.wav and the golden hashes hold.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildFile } from '../../src/engine/build_files.js';
import { speechSample } from '../../src/replay/replacement_audio.js';
import { decodeSpeechFile, encodeSpeechFile } from '../../src/replay/speech_file.js';
import { decodeWav } from '../../src/wav.js';
import { seededRandom } from '../../src/seeded_random.js';

describe('the speech file', () => {
  it('gives back every sample of assets/speech-48k.wav, and is under half its size', () => {
    const wavBytes = readFileSync(new URL('../../assets/speech-48k.wav', import.meta.url));
    const wav = decodeWav(wavBytes);
    const fromWav = Int16Array.from(wav.samples, (v) => Math.round(v * 32768));
    const speech = speechSample();
    expect(speech.length).toBe(fromWav.length); // 948 813 samples (assets/README.md)
    expect(speech.every((v, i) => v === fromWav[i])).toBe(true);
    // Measured: 878 476 bytes for the WAV's 1 897 670 (46 %).
    expect(readFileSync(buildFile('speech-48k.jlsp')).length).toBeLessThan(wavBytes.length / 2);
  });

  it('round-trips seeded noise at a speech-like level exactly, rate included', () => {
    const random = seededRandom(7);
    const samples = Int16Array.from({ length: 10_000 }, () => Math.round((random() - 0.5) * 8000));
    const back = decodeSpeechFile(encodeSpeechFile({ sampleRate: 16_000, samples }));
    expect(back.sampleRate).toBe(16_000);
    expect([...back.samples]).toEqual([...samples]);
  });

  it('refuses a signal whose prediction error does not fit 16 bits (full-scale alternation), and bytes that are not its format', () => {
    const alternating = Int16Array.from({ length: 16 }, (_, i) => (i % 2 ? 32767 : -32768));
    expect(() => encodeSpeechFile({ sampleRate: 48_000, samples: alternating })).toThrow(/too far from its prediction/);
    expect(() => decodeSpeechFile(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(/not a JLSP/);
  });
});
