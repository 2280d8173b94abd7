// How clean the way back from a short stall is: a packet a few ms late runs the
// buffer dry for 0.3–2.7 ms (the commonest live event on a 10 ms target), is
// concealed until it has waited a pull and the dead band (decision.ts, resumeWaitFrames), then plays. Measured on the Opus speech fixture, one
// late packet every 3 s for 90 s, against the on-time run: the output after
// each stall is aligned to the reference (by correlation 50–80 ms on), and the
// log-spectral distance is taken over the 45 ms from 5 ms before the stall.
// With libopus's own concealment the decoder must decode the late packet from
// its state before the concealment (assembly/concealer.ts, rollBack()).

import { describe, expect, it } from 'vitest';
import type { HostCodec, ProfileRecord } from '../../src/engine/index.js';
import { loadEngineModule, sharedLibOpus } from '../../src/engine/node_loader.js';
import { logSpectralDistance } from '../../src/replay/concealment_quality.js';
import { FeedLoop } from '../../src/replay/feed_loop.js';
import { PacketListInput } from '../../src/replay/packet_input.js';
import { seededRandom } from '../../src/seeded_random.js';
import { opusFixture } from '../helpers/opus_fixtures.js';

/** A 10 ms floor, no price on a lateness episode and a 1 s memory of it, so every late packet stalls. */
const STALLING: ProfileRecord = { floorMs: 10, ceilingMs: 300, deadbandMs: 2, latenessWindowMs: 1000, episodeCostMs: 0 };
const QUANTUM = 128;
const FRAME = 480;

type Mode = 'codec PLC' | 'codec PLC without roll-back' | 'built-in PLC';

const fixture = opusFixture('speech-20ms-nofec');
const packetFrames = fixture.packetSamples;
const loops = Math.ceil((90 * 48_000) / (fixture.packets.length * packetFrames));
const packets = Array.from({ length: loops }, () => fixture.packets).flat();
/** Packet index → how late it comes, ms: 9–13 ms, one in every 150 packets. */
const late = new Map<number, number>();
const random = seededRandom(4242);
for (let k = 100; k < packets.length - 50; k += 150) late.set(k + Math.floor(random() * 20), 9 + 4 * random());

function play(mode: Mode, lateness: Map<number, number>): { output: Float32Array; stalls: number[]; concealmentEvents: number } {
  const decoder = sharedLibOpus().createDecoder(1);
  const codec: HostCodec = {
    decode: (h, p, l, o, s) => decoder.decode(h, p, l, o, s),
    duration: (h, p, l) => decoder.duration(h, p, l),
    reset: () => decoder.reset(),
    conceal: mode === 'built-in PLC' ? undefined : (h, o, f, s) => decoder.conceal(h, o, f, s),
    checkpoint: mode === 'codec PLC' ? () => decoder.checkpoint() : undefined,
    rollBack: mode === 'codec PLC' ? () => decoder.rollBack() : undefined,
  };
  const engine = loadEngineModule().createEngine({ codec: 'host', hostCodec: codec, profile: STALLING, eventLog: true });
  const input = new PacketListInput(packets.map((payload, k) => ({ payload, sequenceNumber: k & 0xffff, timestamp: k * packetFrames, arrivalFrame: k * packetFrames + (lateness.get(k) ?? 0) * 48 })));
  const loop = new FeedLoop(engine, input);
  const quanta = Math.ceil((packets.length * packetFrames) / QUANTUM);
  const output = new Float32Array(quanta * QUANTUM);
  const stalls: number[] = [];
  let lastExpand = -Infinity;
  for (let q = 0; q < quanta; q++) {
    output.set(loop.step(QUANTUM)[0]!.subarray(0, QUANTUM), q * QUANTUM);
    for (const e of engine.drainEvents()) {
      if (e.kind !== 'expand') continue;
      if (e.frame - lastExpand > 4800) stalls.push(e.frame);
      lastExpand = e.frame;
    }
  }
  const { concealmentEvents } = engine.stats();
  engine.destroy();
  decoder.destroy();
  return { output, stalls, concealmentEvents };
}

/** The lag d (frames, |d| ≤ maxLag) with output[t] ≈ reference[t − d] over `length` frames from `at`. */
function alignment(reference: Float32Array, output: Float32Array, at: number, length: number, maxLag: number): number {
  let best = 0;
  let bestCorrelation = -Infinity;
  for (let d = -maxLag; d <= maxLag; d++) {
    let c = 0;
    let ea = 0;
    let eb = 0;
    for (let i = 0; i < length; i++) {
      const a = output[at + i]!;
      const b = reference[at + i - d] ?? 0;
      c += a * b;
      ea += a * a;
      eb += b * b;
    }
    const n = c / Math.sqrt(ea * eb + 1e-20);
    if (n > bestCorrelation) {
      bestCorrelation = n;
      best = d;
    }
  }
  return best;
}

/** Mean LSD (dB) over the stalls in speech, and how many were measured. */
function stallDistance(mode: Mode): { lsdDb: number; stalls: number; concealmentEvents: number } {
  const reference = play(mode, new Map()).output;
  const run = play(mode, late);
  let sum = 0;
  let measured = 0;
  for (const at of run.stalls) {
    let power = 0;
    for (let i = 0; i < 4 * FRAME; i++) power += reference[at + i]! ** 2;
    if (power / (4 * FRAME) < 1e-5) continue; // not speech
    const d = alignment(reference, run.output, at + 2400, 1440, 960);
    const shifted = new Float32Array(at + 3000);
    for (let i = 0; i < shifted.length; i++) shifted[i] = reference[i - d] ?? 0;
    const frames: number[] = [];
    for (let t = at - 240; t < at + 1920; t += 240) frames.push(t);
    sum += logSpectralDistance(shifted, run.output, frames);
    measured++;
  }
  return { lsdDb: sum / measured, stalls: measured, concealmentEvents: run.concealmentEvents };
}

describe('the way back from a short stall', () => {
  it('is clean with libopus concealment once the decoder rolls back: 2.4 dB from the on-time audio, against 4.5 dB decoding after its own guess', () => {
    const rolled = stallDistance('codec PLC');
    const runOn = stallDistance('codec PLC without roll-back');
    const builtIn = stallDistance('built-in PLC');
    // Every late packet stalled, the same in every mode (the decisions do not depend on the codec).
    expect(rolled.stalls).toBeGreaterThanOrEqual(20);
    expect(rolled.concealmentEvents).toBe(runOn.concealmentEvents);
    expect(builtIn.concealmentEvents).toBe(runOn.concealmentEvents);
    // Measured over 28 stalls in speech: 2.42 dB rolled back, 4.53 dB running on, 2.30 dB with the built-in concealment.
    // The window takes in the concealment itself, so these follow the stall's length: 1.63, 4.11 and 1.68 over 24
    // when a stall ended at the first pull after the packet came (0.3–2.7 ms of concealment); 1.94, 4.18 and 1.90
    // once it waited a pull (1.6–5.3 ms); 0.1 dB more each with quiet cuts first (decision.ts, QUIET_FIRST_FRAMES);
    // 2.42, 4.53 and 2.30 now that it also waits the dead band (each stall 3.1–9.6 ms, median 7.2, against 2.8–7.6,
    // median 5.7, counted from the first concealed sample to the merge), which spares the stall that followed
    // the first on a rough path (README, "The rule", item 5). Libopus's concealment, rolled back, was 0.05 dB better
    // than the built-in at first and is 0.12 dB worse now: over the longer concealment the two part a little.
    expect(rolled.lsdDb).toBeLessThan(2.5);
    expect(runOn.lsdDb - rolled.lsdDb).toBeGreaterThan(1.5);
    expect(Math.abs(rolled.lsdDb - builtIn.lsdDb)).toBeLessThan(0.15);
  });
});
