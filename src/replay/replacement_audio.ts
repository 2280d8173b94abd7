// Replacement audio: the speech sample the project ships, cut into packets that
// follow a trace's timestamps, for traces whose payloads cannot be decoded
// (encrypted, cut by the snaplen, absent, or delay-only) — as NetEq's
// neteq_rtpplay --replacement_audio_file does.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWav } from '../wav.js';
import { loopedPcm16 } from './looped_pcm16.js';

let cached: Int16Array | null = null;

/** The shipped speech sample (assets/speech-48k.wav) as 48 kHz mono int16. */
export function speechSample(): Int16Array {
  if (cached) return cached;
  const candidates = ['../../assets/speech-48k.wav', '../../../assets/speech-48k.wav'];
  for (const rel of candidates) {
    try {
      const wav = decodeWav(readFileSync(fileURLToPath(new URL(rel, import.meta.url))));
      if (wav.sampleRate !== 48000 || wav.channels !== 1) throw new Error('speech sample must be 48 kHz mono');
      const pcm = new Int16Array(wav.samples.length);
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(wav.samples[i] * 32768)));
      cached = pcm;
      return pcm;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error('assets/speech-48k.wav not found');
}

/**
 * Little-endian PCM16 payload of `frames` samples of the looped speech sample
 * starting at sample `startFrame` of the sender's timeline.
 */
export function replacementPayload(startFrame: number, frames: number): Uint8Array {
  return loopedPcm16(speechSample(), startFrame, frames);
}
