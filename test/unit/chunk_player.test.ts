// The chunk-stream player in Node (src/chunks/chunk_player.ts): AI-voice audio
// in chunks of any size, ahead of real time or behind it, played through the
// engine; barge-in with the position played; marks.

import { describe, expect, it } from 'vitest';
import { ChunkPlayer, type ChunkEvent } from '../../src/chunks/chunk_player.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { pcm16le, speech } from '../helpers/engine_stream.js';
import { firstSound, goertzel, muLaw, runPlayer as run } from './chunk_fixtures.js';

const QUANTUM = 128;

/** Speech at 24 kHz as PCM16LE bytes (the shipped sample, decimated 2:1 after a crude low-pass: a fixture, not a reference). */
function speech24k(seconds: number): Uint8Array {
  const s = speech();
  const n = Math.floor(seconds * 24000);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.5 * (s[(2 * i) % s.length]! + s[(2 * i + 1) % s.length]!);
  return pcm16le(out);
}

describe('the chunk player', () => {
  const module = loadEngineModule();

  it('plays a response pushed at once and one pushed in 10 ms chunks at generation pace to the same samples', () => {
    const bytes = speech24k(3);
    const burst = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    burst.pushChunk(bytes, 'a');
    burst.done('a');
    const a = run(burst, 1300);
    // 10 ms chunks (480 bytes), one every 10 ms of output, a little ahead of real time.
    const paced = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    let at = 0;
    const b = run(paced, 1300, (q) => {
      while (at < bytes.length && at <= (q * QUANTUM * 24000) / 48000 * 2 + 9600) {
        paced.pushChunk(bytes.subarray(at, at + 480), 'a');
        at += 480;
      }
      if (at >= bytes.length) paced.done('a');
    });
    const sa = a.subarray(firstSound(a));
    const sb = b.subarray(firstSound(b));
    const n = Math.min(sa.length, sb.length, 3 * 48000 - 960);
    expect(n).toBeGreaterThan(2.9 * 48000);
    expect(Buffer.compare(Buffer.from(sa.buffer, sa.byteOffset, n * 4), Buffer.from(sb.buffer, sb.byteOffset, n * 4))).toBe(0);
    // No concealment, no stretch, and none at the end: the engine rested after the response.
    for (const p of [burst, paced]) {
      const s = p.stats();
      expect(s.engine.concealedSamples).toBe(0);
      expect(s.responses[0]!.state).toBe('ended');
      expect(Math.abs(s.responses[0]!.playedMs - 3000)).toBeLessThanOrEqual(1);
    }
  });

  it('conceals or stretches a stall of generation mid-response, and counts it as an underrun', () => {
    const bytes = speech24k(3);
    const p = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    p.pushChunk(bytes.subarray(0, 48000), 'a'); // 1 s
    run(p, 600); // 1.6 s: the first second plays out, then 0.6 s with nothing
    p.pushChunk(bytes.subarray(48000), 'a');
    p.done('a');
    const rest = run(p, 1000);
    // No click where the stall ended: no step larger than the speech's own (0.1496 measured on the
    // unstalled render at 48 kHz, after the engine's upsampling; the stalled render's largest is the same).
    let step = 0;
    for (let i = 1; i < rest.length; i++) step = Math.max(step, Math.abs(rest[i]! - rest[i - 1]!));
    expect(step).toBeLessThanOrEqual(0.1496);
    const s = p.stats();
    // One stall: the engine concealed while it waited, then played the pause as the sender's.
    expect(s.responses[0]!.underruns).toBe(1);
    expect(s.engine.packetsDiscarded).toBe(0);
    expect(s.responses[0]!.state).toBe('ended');
    expect(Math.abs(s.responses[0]!.playedMs - 3000)).toBeLessThanOrEqual(1);
  });

  it('stops within one quantum plus 5 ms on interrupt(), tells the position played, and drops what comes later for it', () => {
    const bytes = speech24k(3);
    const p = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    p.pushChunk(bytes, 'a');
    const before = run(p, 500);
    const cut = p.interrupt();
    const after = run(p, 20);
    expect(cut.responseId).toBe('a');
    // Silent from one quantum plus the 5 ms fade on.
    expect(after.subarray(QUANTUM + 240).every((v) => v === 0)).toBe(true);
    // The position: samples of the response emitted (500 quanta from its first sound, plus the fade).
    const emitted = 500 * QUANTUM - firstSound(before) + 240;
    expect(Math.abs(cut.playedMs * 48 - emitted)).toBeLessThanOrEqual(1);
    expect(p.pushChunk(bytes.subarray(0, 4800), 'a')).toBe(false);
    expect(p.stats().droppedChunks).toBe(1);
    expect(run(p, 50).every((v) => v === 0)).toBe(true);
  });

  it('fires marks when playout reaches them, in order, and never those cleared', () => {
    const bytes = speech24k(2);
    const p = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    p.pushChunk(bytes.subarray(0, 24000), 'a'); // 0.5 s
    p.mark('half-second', 'a');
    p.pushChunk(bytes.subarray(24000, 48000), 'a');
    p.mark('one-second', 'a');
    const fired: { name: string; quantum: number }[] = [];
    let first = -1;
    run(p, 700, (q) => {
      for (const e of p.drainEvents()) if (e.kind === 'mark') fired.push({ name: e.name, quantum: q });
      if (first < 0 && p.stats().responses[0]!.playedMs > 0) first = q;
    });
    expect(fired.map((f) => f.name)).toEqual(['half-second', 'one-second']);
    // Half a second of audio after the first sound, within a quantum (the event is seen at the next quantum).
    expect(Math.abs(fired[0]!.quantum - first - 0.5 * 48000 / QUANTUM)).toBeLessThanOrEqual(2);
    p.pushChunk(bytes.subarray(48000), 'b');
    p.mark('never', 'b');
    p.clear();
    run(p, 400);
    expect(p.drainEvents().some((e) => e.kind === 'mark')).toBe(false);
  });

  it('fires marks of the response after an interrupt at their frame, and never those the interrupt dropped', () => {
    const bytes = speech24k(2);
    const p = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000 });
    p.pushChunk(bytes.subarray(0, 48000), 'a'); // 1 s
    p.mark('a-end', 'a');
    run(p, 200); // 0.53 s: the mark not reached
    p.interrupt();
    run(p, 10);
    p.mark('late-for-a', 'a'); // for a response interrupted: never fires
    p.pushChunk(bytes.subarray(0, 24000), 'b'); // 0.5 s
    p.mark('b-quarter', 'b');
    p.pushChunk(bytes.subarray(24000, 48000), 'b');
    p.mark('b-half', 'b');
    p.done('b');
    const fired: ChunkEvent[] = [];
    const out = run(p, 400, () => fired.push(...p.drainEvents()));
    fired.push(...p.drainEvents());
    const marks = fired.filter((e) => e.kind === 'mark');
    expect(marks.map((m) => m.name)).toEqual(['b-quarter', 'b-half']);
    // b's first sound is at output frame 210 quanta + firstSound(out) (before the fix 544 frames of a's
    // decoded audio played first, and the marks seemed that late); its marks at 0.5 s and 1 s of it.
    const start = 210 * QUANTUM + firstSound(out);
    expect(Math.abs(marks[0]!.frame - (start + 24000))).toBeLessThanOrEqual(QUANTUM);
    expect(Math.abs(marks[1]!.frame - (start + 48000))).toBeLessThanOrEqual(QUANTUM);
  });

  it('plays 8 kHz μ-law and 22.05 kHz audio at the right pitch', () => {
    for (const [encoding, rate] of [['mulaw', 8000], ['pcm16', 22050]] as const) {
      const p = new ChunkPlayer(module, { encoding, sampleRate: rate });
      // One second of 440 Hz at the chunk's own rate.
      const t = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
      const bytes = encoding === 'mulaw' ? muLaw(t) : pcm16le(t);
      p.pushChunk(bytes, 'tone');
      p.done('tone');
      const out = run(p, 300);
      const from = firstSound(out) + 4800;
      const x = out.subarray(from, from + 19200);
      expect(goertzel(x, 440) / goertzel(x, 470)).toBeGreaterThan(20);
    }
  });

  it('refuses a chunk the store cannot hold, with an error saying so', () => {
    const p = new ChunkPlayer(module, { encoding: 'pcm16', sampleRate: 24000, storeSeconds: 1 });
    expect(() => p.pushChunk(speech24k(2), 'a')).toThrow(/store is full/);
  });
});
