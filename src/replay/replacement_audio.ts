// Replacement audio: the speech sample the project ships, cut into packets that
// follow a trace's timestamps, for traces whose payloads cannot be decoded
// (encrypted, cut by the snaplen, absent, or delay-only) — as NetEq's
// neteq_rtpplay --replacement_audio_file does.

import { readFileSync } from 'node:fs';
import { buildFile } from '../engine/build_files.js';
import { loopedPcm16 } from './looped_pcm16.js';
import { decodeSpeechFile } from './speech_file.js';

let cached: Int16Array | null = null;

/**
 * The shipped speech sample as 48 kHz mono int16: build/speech-48k.jlsp, the
 * lossless compact form the build makes of assets/speech-48k.wav (the WAV
 * itself stays in the repository, not in the package).
 */
export function speechSample(): Int16Array {
  if (cached) return cached;
  const speech = decodeSpeechFile(readFileSync(buildFile('speech-48k.jlsp')));
  if (speech.sampleRate !== 48000) throw new Error(`the speech sample is at ${speech.sampleRate} Hz; the replay needs 48 kHz`);
  cached = speech.samples;
  return cached;
}

/**
 * Little-endian PCM16 payload of `frames` samples of the looped speech sample
 * starting at sample `startFrame` of the sender's timeline.
 */
export function replacementPayload(startFrame: number, frames: number): Uint8Array {
  return loopedPcm16(speechSample(), startFrame, frames);
}
