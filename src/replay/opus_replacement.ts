// Opus replacement audio: the shipped speech sample encoded by libopus the way
// WebRTC's Opus sends voice (32 kbps, in-band FEC on, as with useinbandfec=1),
// so trace replays exercise the real decoder, its concealment and its FEC.
// The encoding is deterministic (the same bytes in every run and on every
// machine), so it is done once per process and content and cached.

import { createHash } from 'node:crypto';
import { sharedLibOpus } from '../engine/node_loader.js';
import { speechSample } from './replacement_audio.js';

/** What stands in for a trace's undecodable payloads. */
export type ReplacementCodec = 'opus' | 'opus-nofec' | 'pcm';

/** Packet durations (48 kHz frames) Opus encodes as one frame: 2.5 to 60 ms. */
const OPUS_FRAME_SIZES = new Set([120, 240, 480, 960, 1920, 2880]);

/** True when packets of `frames` frames can carry Opus. */
export function opusFitsPacket(frames: number): boolean {
  return OPUS_FRAME_SIZES.has(frames);
}

/** Expected loss the encoder is told about: with 0 libopus spends no bits on FEC. WebRTC feeds it the measured loss; 20 % is a lossy path's. */
const EXPECTED_LOSS_PERCENT = 20;

/** Content hashes of the samples seen, so each sample is hashed once (opusLoopPackets runs for every packet). */
const contentHashes = new WeakMap<Int16Array, string>();
/** Encoded loops by content hash and encoder settings: each is encoded once per process. */
const encodedLoops = new Map<string, Uint8Array[]>();

function contentHash(pcm: Int16Array): string {
  let hash = contentHashes.get(pcm);
  if (hash === undefined) {
    hash = createHash('sha256').update(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)).digest('hex');
    contentHashes.set(pcm, hash);
  }
  return hash;
}

/**
 * `pcm` (48 kHz mono) as consecutive Opus packets of `frames` frames each,
 * encoded as WebRTC sends voice (32 kbps, in-band FEC when `fec`), the tail
 * that does not fill a packet left out so the loop wraps on a packet
 * boundary. Encoding is deterministic, so the loop is encoded once per process
 * for each content (by SHA-256), frame size and FEC setting, and every later
 * replay of the process reuses it.
 */
export function opusLoopPackets(pcm: Int16Array, frames: number, fec: boolean): Uint8Array[] {
  if (!opusFitsPacket(frames)) throw new Error(`Opus cannot carry ${frames}-frame packets`);
  const key = `${contentHash(pcm)}/${frames}/${fec ? 'fec' : 'nofec'}/${EXPECTED_LOSS_PERCENT}`;
  let packets = encodedLoops.get(key);
  if (packets) return packets;
  const encoder = sharedLibOpus().createEncoder({ channels: 1, fec, expectedLossPercent: EXPECTED_LOSS_PERCENT });
  packets = [];
  for (let at = 0; at + frames <= pcm.length; at += frames) packets.push(encoder.encode(pcm.subarray(at, at + frames)));
  encoder.destroy();
  encodedLoops.set(key, packets);
  return packets;
}

/** The shipped speech sample as Opus packets of `frames` frames (opusLoopPackets). */
export function opusSpeechPackets(frames: number, fec: boolean): Uint8Array[] {
  return opusLoopPackets(speechSample(), frames, fec);
}

/** The Opus packet that carries the speech at `startFrame` of the sender's timeline (looped). */
export function opusReplacementPayload(startFrame: number, frames: number, fec: boolean): Uint8Array {
  const packets = opusSpeechPackets(frames, fec);
  const index = Math.round(startFrame / frames) % packets.length;
  return packets[(index + packets.length) % packets.length];
}
