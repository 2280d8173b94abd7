// Opus chunks through the chunk player in Node: each chunk one Opus packet
// (binary TTS sockets send them so), its duration from its TOC byte, decoded
// by the shared libopus. A response plays as libopus decodes its packets, a
// burst and a paced feed alike; packets of 10 to 60 ms mix; a stall conceals
// once; interrupt() tells the position to a sample; bad chunks are refused.

import { describe, expect, it } from 'vitest';
import { ChunkPlayer } from '../../src/chunks/chunk_player.js';
import { JitterlaneError } from '../../src/engine/errors.js';
import { loadEngineModule, loadLibOpus, sharedLibOpus } from '../../src/engine/node_loader.js';
import { speech } from '../helpers/engine_stream.js';
import { firstSound, runPlayer as run } from './chunk_fixtures.js';

const QUANTUM = 128;
const module = loadEngineModule();

/** `seconds` of the speech sample from 1 s in, as Opus packets of `frameMs(k)` ms each (mono, 32 kbit/s, in-band FEC on). */
function opusSpeech(seconds: number, frameMs: (k: number) => number = () => 20): Uint8Array[] {
  const voice = speech();
  const encoder = sharedLibOpus().createEncoder({ channels: 1 });
  const packets: Uint8Array[] = [];
  for (let at = 0, k = 0; at < seconds * 48000; k++) {
    const frames = frameMs(k) * 48;
    const pcm = new Int16Array(frames);
    for (let i = 0; i < frames; i++) pcm[i] = Math.round(voice[48000 + at + i]! * 16000);
    packets.push(encoder.encode(pcm));
    at += frames;
  }
  encoder.destroy();
  return packets;
}

/** libopus decoding the packets in turn in a fresh decoder, as float. */
function referenceDecode(packets: Uint8Array[]): Float32Array {
  const lib = loadLibOpus();
  const decoder = lib.createDecoder(1);
  const f32 = new Float32Array(5760);
  const out: number[] = [];
  for (const p of packets) {
    const at = lib.exports.malloc(p.length);
    lib.bytes.set(p, at);
    const n = decoder.decode({ u8: lib.bytes, f32 }, at, p.length, 0, 5760);
    lib.exports.free(at);
    for (let i = 0; i < n; i++) out.push(f32[i]!);
  }
  return Float32Array.from(out);
}

function opusPlayer(): ChunkPlayer {
  return new ChunkPlayer(module, { encoding: 'opus', sampleRate: 48000 }, sharedLibOpus());
}

describe('Opus chunks', () => {
  it('play as libopus decodes them, pushed at once or one packet every 20 ms, with no concealment and none at the end', () => {
    const packets = opusSpeech(3);
    const reference = referenceDecode(packets);
    const burst = opusPlayer();
    for (const p of packets) burst.pushChunk(p, 'a');
    burst.done('a');
    const a = run(burst, 1300);
    const paced = opusPlayer();
    let sent = 0;
    const b = run(paced, 1300, (q) => {
      // One packet each 20 ms of output, 100 ms ahead: generation a little faster than real time.
      while (sent < packets.length && sent * 960 <= q * QUANTUM + 4800) paced.pushChunk(packets[sent++]!, 'a');
      if (sent === packets.length) paced.done('a');
    });
    for (const out of [a, b]) {
      const start = firstSound(out);
      const from = firstSound(reference);
      const n = reference.length - from;
      expect(n).toBeGreaterThan(2.9 * 48000);
      expect(out.subarray(start, start + n)).toEqual(reference.subarray(from));
    }
    for (const p of [burst, paced]) {
      const s = p.stats();
      expect(s.engine.concealedSamples).toBe(0);
      expect(s.engine.packetsDiscarded).toBe(0);
      expect(s.engine.decoderErrors + s.engine.packetsInvalid).toBe(0);
      expect(s.responses[0]!.state).toBe('ended');
      expect(s.responses[0]!.playedMs).toBe(3000);
    }
  });

  it('play packets of 10, 20, 40 and 60 ms mixed at their own durations', () => {
    const sizes = [10, 20, 40, 60];
    const packets = opusSpeech(2, (k) => sizes[k % 4]!);
    const reference = referenceDecode(packets);
    const p = opusPlayer();
    for (const x of packets) p.pushChunk(x, 'a');
    p.done('a');
    const out = run(p, 900);
    const start = firstSound(out);
    const from = firstSound(reference);
    expect(out.subarray(start, start + reference.length - from)).toEqual(reference.subarray(from));
    const s = p.stats();
    expect(s.engine.concealedSamples).toBe(0);
    expect(s.responses[0]!.playedMs).toBe((reference.length * 1000) / 48000);
  });

  it('conceal a stall of generation once, never discarding a packet, and end whole', () => {
    const packets = opusSpeech(3);
    const p = opusPlayer();
    for (const x of packets.slice(0, 50)) p.pushChunk(x, 'a'); // 1 s
    run(p, 600); // 1.6 s: the first second plays, then 0.6 s with nothing
    expect(p.stats().storedMs).toBe(0);
    for (const x of packets.slice(50)) p.pushChunk(x, 'a');
    expect(p.stats().storedMs).toBeGreaterThan(1500);
    p.done('a');
    run(p, 1000);
    const s = p.stats();
    expect(s.responses[0]!.underruns).toBe(1);
    expect(s.engine.packetsDiscarded).toBe(0);
    expect(s.engine.concealmentEvents).toBe(1);
    expect(s.responses[0]!.state).toBe('ended');
    expect(s.responses[0]!.playedMs).toBe(3000);
  });

  it('stop on interrupt() with the position played to a sample, and drop what comes later for the response', () => {
    const packets = opusSpeech(3);
    const p = opusPlayer();
    for (const x of packets) p.pushChunk(x, 'a');
    const before = run(p, 500);
    const cut = p.interrupt();
    const after = run(p, 20);
    expect(cut.responseId).toBe('a');
    expect(after.subarray(QUANTUM + 240).every((v) => v === 0)).toBe(true);
    // The response's first sample plays where its decoded audio's first sound lies before the output's (Opus starts with a few exact zeros).
    const emitted = 500 * QUANTUM - (firstSound(before) - firstSound(referenceDecode(packets))) + 240;
    expect(Math.abs(cut.playedMs * 48 - emitted)).toBeLessThanOrEqual(1);
    expect(p.pushChunk(packets[0]!, 'a')).toBe(false);
    expect(p.stats().droppedChunks).toBe(1);
    expect(p.stats().responses[0]!.droppedMs).toBeGreaterThan(0);
    expect(run(p, 50).every((v) => v === 0)).toBe(true);
  });

  it('end a response on 20 ms of CELT digital silence, which decodes to zeros', () => {
    // The tail the player inserts after an Opus response's last packet (OPUS_SILENCE_PACKET).
    const silence = referenceDecode([Uint8Array.from([0xf8, 0xff, 0xfe])]);
    expect(silence.length).toBe(960);
    expect(silence.every((v) => v === 0)).toBe(true);
    // After the response, the output is silence: nothing but zeros once it ended.
    const p = opusPlayer();
    for (const x of opusSpeech(1)) p.pushChunk(x, 'a');
    p.done('a');
    const out = run(p, 600);
    expect(p.stats().responses[0]!.state).toBe('ended');
    expect(out.subarray(480 * QUANTUM).every((v) => v === 0)).toBe(true);
  });

  it('refuse what is not one Opus packet, and a player without libopus, with errors that say so', () => {
    const p = opusPlayer();
    expect(() => p.pushChunk(new Uint8Array(0), 'a')).toThrow(JitterlaneError);
    // Framing code 3 with a frame count of 0 (RFC 6716 §3.2.5: at least one frame).
    expect(() => p.pushChunk(Uint8Array.from([0x7b, 0x00, 1, 2]), 'a')).toThrow(/one Opus packet/);
    expect(() => p.pushChunk(new Uint8Array(4001).fill(0x78), 'a')).toThrow(/at most 4000 bytes/);
    expect(p.stats().responses).toHaveLength(0);
    expect(() => new ChunkPlayer(module, { encoding: 'opus', sampleRate: 48000 })).toThrow(/need libopus/);
    expect(() => new ChunkPlayer(module, { encoding: 'opus', sampleRate: 22050 }, sharedLibOpus())).toThrow(/opus chunk sampleRate/);
  });
});
