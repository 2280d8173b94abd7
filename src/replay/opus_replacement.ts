// Opus replacement audio: the shipped speech sample encoded once per frame
// size by libopus, the way WebRTC's Opus sends voice (32 kbps, in-band FEC
// on, as with useinbandfec=1), so trace replays exercise the real decoder, its
// concealment and its FEC. The encoding is deterministic: the same bytes in
// every run and on every machine.

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

const cache = new Map<string, Uint8Array[]>();

/**
 * The speech sample as consecutive Opus packets of `frames` frames each (the
 * sample's tail that does not fill a packet is left out, so the loop wraps on
 * a packet boundary).
 */
export function opusSpeechPackets(frames: number, fec: boolean): Uint8Array[] {
  if (!opusFitsPacket(frames)) throw new Error(`Opus cannot carry ${frames}-frame packets`);
  const key = `${frames}/${fec}`;
  let packets = cache.get(key);
  if (packets) return packets;
  const speech = speechSample();
  const encoder = sharedLibOpus().createEncoder({ channels: 1, fec, expectedLossPercent: EXPECTED_LOSS_PERCENT });
  packets = [];
  for (let at = 0; at + frames <= speech.length; at += frames) packets.push(encoder.encode(speech.subarray(at, at + frames)));
  encoder.destroy();
  cache.set(key, packets);
  return packets;
}

/** The Opus packet that carries the speech at `startFrame` of the sender's timeline (looped). */
export function opusReplacementPayload(startFrame: number, frames: number, fec: boolean): Uint8Array {
  const packets = opusSpeechPackets(frames, fec);
  const index = Math.round(startFrame / frames) % packets.length;
  return packets[(index + packets.length) % packets.length];
}
