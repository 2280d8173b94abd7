// Hostile packet streams for the property tests (test/property/). fast-check
// draws a small Scenario record (stream shape plus a list of faults); expand()
// turns it into packets with a seeded generator, so a failing case shrinks on
// the record and replays from its seed. runScenario() drives an engine the way
// the AudioWorklet does, through the one feed loop (src/replay/feed_loop.ts:
// packets whose arrival has passed, then a pull), and checks the invariants of
// issue 7 after every pull.

import fc from 'fast-check';
import type { Engine, EngineModule, InsertResult, ProfileName } from '../../src/engine/index.js';
import { BUILT_IN_PROFILES, STAT_INDEX as STAT } from '../../src/engine/index.js';
import { FeedLoop } from '../../src/replay/feed_loop.js';
import { PacketListInput, type InputPacket } from '../../src/replay/packet_input.js';
import { SAMPLE_RATE, pcm16le, seededRandom, tone } from './engine_stream.js';

/** Packet durations drawn, frames at 48 kHz: 2.5, 5, 10 and 20 ms (20 ms PCM16 mono is 1920 bytes, inside the 2048-byte slot). */
export const PACKET_FRAMES_CHOICES = [120, 240, 480, 960] as const;

/** Payloads that must be refused at the API edge as 'invalid'. */
export type GarbageKind = 'empty' | 'oversized' | 'odd';
/** Payloads that are valid PCM16LE whatever their bytes: decoded as audio. */
export type OddValidKind = 'oneFrame' | 'random';

export type Fault =
  | { kind: 'duplicate'; at: number; copies: number; delayMs: number }
  | { kind: 'reorder'; at: number; span: number; delayMs: number }
  | { kind: 'tsLeap'; at: number; leapMs: number }
  | { kind: 'seqLeap'; at: number; leap: number }
  | { kind: 'ssrc'; at: number; ssrc: number }
  | { kind: 'outage'; at: number; ms: number; held: boolean }
  | { kind: 'burst'; at: number; count: number; early: boolean }
  | { kind: 'garbage'; at: number; garbage: GarbageKind }
  | { kind: 'oddValid'; at: number; payload: OddValidKind };

/** One drawn stream: its shape, its faults, and how the host pulls. */
export interface Scenario {
  /** Seeds the expansion (jitter, random payload bytes). */
  seed: number;
  profile: ProfileName;
  packetFrames: (typeof PACKET_FRAMES_CHOICES)[number];
  /** Packets the sender sends before faults add or remove any. */
  packets: number;
  firstSequence: number;
  firstTimestamp: number;
  ssrc: number;
  /** Sender clock error: its timestamps advance at (1 + driftPpm·10⁻⁶) × real time. */
  driftPpm: number;
  /** Uniform network jitter, ms, on top of a constant 20 ms transit. */
  jitterMs: number;
  /** 'quantum': 128 frames; 'odd': each pull 1..8192 frames. */
  pulls: 'quantum' | 'odd';
  /** Alternate classic and l4s before every pull. */
  switchProfileEveryPull: boolean;
  faults: Fault[];
  /** Steady packets (no jitter, no faults) sent after the rest, seconds. */
  steadyTailSeconds: number;
  /**
   * 'chunk' (default): every packet carries the same 0.8 tone chunk (440 Hz, a
   * jump at each packet boundary: loud audio without a steady period).
   * 'continuous': a 400 Hz 0.8 tone, one cycle per 120 frames, so every
   * packet size continues it without a seam (voiced audio a stretch can use).
   */
  audio?: 'chunk' | 'continuous';
}

/** A packet ready for insert(). */
export interface PlannedPacket extends InputPacket {
  ssrc: number;
  /** What insert() must answer: 'invalid' for garbage, anything else otherwise. */
  expectInvalid: boolean;
}

// ---- arbitraries -------------------------------------------------------------

/** Sequence and timestamp starts: often just below the wrap, so both wrap inside the stream. */
const sequenceStart = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xffff - 200, max: 0xffff }));
const timestampStart = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0xffffffff - 200 * 960, max: 0xffffffff }),
);

function faultArbitrary(packets: number): fc.Arbitrary<Fault> {
  const at = fc.integer({ min: 0, max: Math.max(0, packets - 1) });
  return fc.oneof(
    fc.record({ kind: fc.constant('duplicate' as const), at, copies: fc.integer({ min: 1, max: 5 }), delayMs: fc.integer({ min: 0, max: 300 }) }),
    fc.record({ kind: fc.constant('reorder' as const), at, span: fc.integer({ min: 1, max: 50 }), delayMs: fc.integer({ min: 1, max: 400 }) }),
    // Small leaps stay in the stream; beyond ±60 s the engine starts a new one.
    fc.record({ kind: fc.constant('tsLeap' as const), at, leapMs: fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -120_000, max: 120_000 })) }),
    fc.record({ kind: fc.constant('seqLeap' as const), at, leap: fc.oneof(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -32_000, max: 32_000 })) }),
    fc.record({ kind: fc.constant('ssrc' as const), at, ssrc: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ kind: fc.constant('outage' as const), at, ms: fc.oneof(fc.integer({ min: 20, max: 1000 }), fc.constant(10_000)), held: fc.boolean() }),
    fc.record({ kind: fc.constant('burst' as const), at, count: fc.oneof(fc.integer({ min: 2, max: 500 }), fc.constant(10_000)), early: fc.boolean() }),
    fc.record({ kind: fc.constant('garbage' as const), at, garbage: fc.constantFrom<GarbageKind>('empty', 'oversized', 'odd') }),
    fc.record({ kind: fc.constant('oddValid' as const), at, payload: fc.constantFrom<OddValidKind>('oneFrame', 'random') }),
  );
}

/** A hostile stream: `maxPackets` bounds the sender's packets (faults such as bursts add up to 10⁴ more). */
export function scenarioArbitrary(options: { minPackets: number; maxPackets: number; maxFaults: number; steadyTailSeconds?: number; audio?: fc.Arbitrary<'chunk' | 'continuous'> }): fc.Arbitrary<Scenario> {
  return fc.integer({ min: options.minPackets, max: options.maxPackets }).chain((packets) =>
    fc.record({
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      profile: fc.constantFrom<ProfileName>('classic', 'l4s'),
      packetFrames: fc.constantFrom(...PACKET_FRAMES_CHOICES),
      packets: fc.constant(packets),
      firstSequence: sequenceStart,
      firstTimestamp: timestampStart,
      ssrc: fc.integer({ min: 0, max: 0xffffffff }),
      driftPpm: fc.oneof(fc.constantFrom(-500, 500, 0), fc.integer({ min: -500, max: 500 })),
      jitterMs: fc.integer({ min: 0, max: 60 }),
      pulls: fc.constantFrom<'quantum' | 'odd'>('quantum', 'odd'),
      switchProfileEveryPull: fc.boolean(),
      faults: fc.array(faultArbitrary(packets), { maxLength: options.maxFaults }),
      steadyTailSeconds: fc.constant(options.steadyTailSeconds ?? 0),
      audio: options.audio ?? fc.constantFrom<'chunk' | 'continuous'>('chunk', 'continuous'),
    }),
  );
}

// ---- expansion ---------------------------------------------------------------

/** Shared payloads (made once): a tone per packet size and audio kind, at 0.8 of full scale. */
const tonePayloads = new Map<string, Uint8Array>();
function tonePayload(frames: number, audio: 'chunk' | 'continuous'): Uint8Array {
  const key = `${audio}:${frames}`;
  let payload = tonePayloads.get(key);
  if (!payload) {
    payload = pcm16le(tone(frames, audio === 'chunk' ? 440 : 400, 0.8));
    tonePayloads.set(key, payload);
  }
  return payload;
}

/** 64 KiB + 1: larger than any slot the engine is created with here. */
const OVERSIZED = new Uint8Array(65_537);
const EMPTY = new Uint8Array(0);
const ODD_LENGTH = new Uint8Array(961);
const ONE_FRAME = new Uint8Array([0x00, 0x80]); // a single sample at −1.0, PCM16LE's most negative

const CONSTANT_TRANSIT_FRAMES = (20 * SAMPLE_RATE) / 1000;

/** The packets of `s` in sending order, each with its arrival on the output clock. */
export function expand(s: Scenario): PlannedPacket[] {
  const random = seededRandom(s.seed);
  const frames = s.packetFrames;
  const audio = tonePayload(frames, s.audio ?? 'chunk');
  // The sender's clock runs at (1 + drift) × real time: a packet of `frames` ticks every frames / (1 + drift) real frames.
  const realPerPacket = frames / (1 + s.driftPpm * 1e-6);
  const byAt = new Map<number, Fault[]>();
  for (const f of s.faults) byAt.set(f.at, [...(byAt.get(f.at) ?? []), f]);

  const out: PlannedPacket[] = [];
  let seq = s.firstSequence;
  let ts = s.firstTimestamp;
  let ssrc = s.ssrc;
  let sendFrame = 0;
  /** Extra delay on every later packet (held outages push the network's queue back). */
  let queueShift = 0;
  const push = (p: Omit<PlannedPacket, 'expectInvalid'>, expectInvalid = false): void => {
    out.push({ ...p, expectInvalid });
  };
  const arrivalOf = (at: number): number => Math.round(at + CONSTANT_TRANSIT_FRAMES + queueShift + random() * (s.jitterMs * SAMPLE_RATE) / 1000);
  const step = (): void => {
    seq = (seq + 1) & 0xffff;
    ts = (ts + frames) % 0x1_0000_0000;
    sendFrame += realPerPacket;
  };

  for (let i = 0; i < s.packets; i++) {
    let arrival = arrivalOf(sendFrame);
    let payload = audio;
    let skip = false;
    for (const f of byAt.get(i) ?? []) {
      switch (f.kind) {
        case 'tsLeap':
          ts = (((ts + Math.round((f.leapMs * SAMPLE_RATE) / 1000)) % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
          break;
        case 'seqLeap':
          seq = (((seq + f.leap) % 0x10000) + 0x10000) % 0x10000;
          break;
        case 'ssrc':
          ssrc = f.ssrc;
          break;
        case 'reorder':
          arrival += Math.round((f.delayMs * SAMPLE_RATE) / 1000);
          break;
        case 'outage': {
          // Nothing arrives for f.ms: the packets sent meanwhile are lost, or (held) queued and delivered at its end.
          const lostPackets = Math.ceil((f.ms * SAMPLE_RATE) / 1000 / realPerPacket);
          const end = sendFrame + (f.ms * SAMPLE_RATE) / 1000;
          for (let k = 0; k < lostPackets && i < s.packets; k++, i++) {
            if (f.held) push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: Math.round(end + CONSTANT_TRANSIT_FRAMES + queueShift), payload: audio });
            step();
          }
          arrival = arrivalOf(sendFrame);
          break;
        }
        case 'burst': {
          // `count` packets at one moment: sent early (a sender flushing ahead of time) or held and released together.
          const first = arrival;
          const held = Math.round(sendFrame + f.count * realPerPacket + CONSTANT_TRANSIT_FRAMES + queueShift);
          for (let k = 0; k < f.count; k++) {
            push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: f.early ? first : held, payload: audio });
            step();
          }
          arrival = arrivalOf(sendFrame);
          break;
        }
        case 'duplicate':
          for (let k = 0; k < f.copies; k++) {
            push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: arrival + Math.round((f.delayMs * SAMPLE_RATE * random()) / 1000), payload: audio });
          }
          break;
        case 'garbage':
          push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: arrival, payload: f.garbage === 'empty' ? EMPTY : f.garbage === 'oversized' ? OVERSIZED : ODD_LENGTH }, true);
          skip = f.garbage !== 'odd'; // an odd-length copy is refused before it marks its sequence number: the real one may still follow
          if (skip) step();
          break;
        case 'oddValid':
          if (f.payload === 'oneFrame') payload = ONE_FRAME;
          else {
            const bytes = new Uint8Array(frames * 2);
            for (let b = 0; b < bytes.length; b++) bytes[b] = (random() * 256) | 0;
            payload = bytes;
          }
          break;
      }
      if (skip) break;
    }
    if (skip || i >= s.packets) continue;
    push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: arrival, payload });
    step();
  }
  // The steady tail: constant transit, no jitter, contiguous numbering, so the buffer can settle.
  const tailPackets = Math.round((s.steadyTailSeconds * SAMPLE_RATE) / realPerPacket);
  const last = out.reduce((latest, p) => Math.max(latest, p.arrivalFrame), 0);
  // The tail starts once everything before it has arrived (the sender resumes after the faults).
  sendFrame = Math.max(sendFrame, last - CONSTANT_TRANSIT_FRAMES - queueShift);
  for (let k = 0; k < tailPackets; k++) {
    push({ sequenceNumber: seq, timestamp: ts, ssrc, arrivalFrame: Math.round(sendFrame + CONSTANT_TRANSIT_FRAMES + queueShift), payload: audio });
    step();
  }
  return out;
}

/** Frame at which the steady tail starts (its first arrival), or Infinity when there is none. */
export function tailStartFrame(s: Scenario, packets: PlannedPacket[]): number {
  const realPerPacket = s.packetFrames / (1 + s.driftPpm * 1e-6);
  const tailPackets = Math.round((s.steadyTailSeconds * SAMPLE_RATE) / realPerPacket);
  return tailPackets > 0 ? packets[packets.length - tailPackets]!.arrivalFrame : Infinity;
}

// ---- driving and invariants ----------------------------------------------------

/** What one scenario's run measured. */
export interface RunFigures {
  packets: number;
  pulls: number;
  /** Highest currentDelayMs seen where the latency bound applies, minus the bound (≤ 0 when it held). */
  worstExcessMs: number;
  /** currentDelayMs − targetDelayMs at the last pull before the last arrival (the end of the steady tail). */
  finalErrorMs: number;
  /** Seconds after the tail began until |current − target| ≤ 5 ms up to its last arrival (NaN when never). */
  settleSeconds: number;
  /** How long |current − target| had been above `settledMs` at the tail's last arrival, s (0: it was within; from the tail's start at most). */
  unsettledSeconds: number;
  results: Record<InsertResult, number>;
}

/** 2.7 ms: one 128-frame quantum (2.67 ms) rounded up; longer pulls count their own length instead. */
const QUANTUM_SLACK_MS = 2.7;
/** The bound does not apply in the first second after a (re)start: the first packets set the baseline. */
const AFTER_RESYNC_FRAMES = SAMPLE_RATE;

/**
 * Drives `engine` through `packets` and throws (with the figures in the
 * message) at the first broken invariant. `memory` is the module's memory,
 * whose size must never change.
 */
export function runScenario(module: EngineModule, engine: Engine, s: Scenario, packets: PlannedPacket[], options: { tailStart?: number; latencySlackMs?: number; settledMs?: number } = {}): RunFigures {
  const memory = module.exports.memory;
  const bytes = memory.buffer.byteLength;
  const lastArrival = packets.reduce((latest, p) => Math.max(latest, p.arrivalFrame), 0);
  const endFrame = lastArrival + SAMPLE_RATE; // a second after the last arrival, so the buffer plays out
  const random = seededRandom(s.seed ^ 0x5a5a5a5a);
  const results: Record<InsertResult, number> = { ok: 0, duplicate: 0, late: 0, resync: 0, overflow: 0, invalid: 0 };
  const packetMs = (s.packetFrames * 1000) / SAMPLE_RATE;
  const ceilingMs = s.switchProfileEveryPull ? Math.max(BUILT_IN_PROFILES.classic.ceilingMs, BUILT_IN_PROFILES.l4s.ceilingMs) : BUILT_IN_PROFILES[s.profile].ceilingMs;
  const boundMs = ceilingMs + packetMs + (options.latencySlackMs ?? 0);
  const tailStart = options.tailStart ?? Infinity;
  const stats = engine.statsView;
  let expectedInvalid = 0;
  const loop = new FeedLoop(engine, new PacketListInput(packets), (p, result) => {
    results[result]++;
    if (p.expectInvalid) expectedInvalid++;
    if ((result === 'invalid') !== p.expectInvalid) {
      throw new Error(`insert of a ${p.payload.length}-byte payload answered '${result}' (expected ${p.expectInvalid ? "'invalid'" : 'anything but invalid'})`);
    }
  });
  let now = 0;
  let pulls = 0;
  let resets = 0;
  let lastResetFrame = 0;
  let worstExcessMs = -Infinity;
  let settledSince = NaN;
  let unsettledSince = NaN;
  let finalErrorMs = NaN;
  let active: ProfileName = s.profile;

  while (now < endFrame) {
    loop.insertArrived();
    // Profile switches are one of the faults: they stop when the steady tail starts, on the scenario's own profile.
    if (s.switchProfileEveryPull) {
      const wanted: ProfileName = now >= tailStart ? s.profile : active === 'l4s' ? 'classic' : 'l4s';
      if (wanted !== active || now < tailStart) engine.setProfile(wanted);
      active = wanted;
    }
    // Odd pull sizes are a fault as well: the steady tail is pulled as a worklet pulls, a quantum at a time.
    const frames = s.pulls === 'quantum' || now >= tailStart ? 128 : 1 + Math.floor(random() * 8192);
    const out = loop.pull(frames);
    pulls++;
    for (const channel of out) {
      for (let i = 0; i < frames; i++) {
        const v = channel[i]!;
        // NaN fails both comparisons' negation: !(v >= -1 && v <= 1) catches it.
        if (!(v >= -1 && v <= 1)) throw new Error(`output sample ${v} at frame ${now + i} is not finite within [-1, 1]`);
      }
    }
    now = loop.nowFrames;
    if (memory.buffer.byteLength !== bytes) throw new Error(`WASM memory grew from ${bytes} to ${memory.buffer.byteLength} bytes at frame ${now}`);
    engine.refreshStats(); // the checks below read gauges (packetsBuffered, currentDelayMs, targetDelayMs)
    checkAccounting(stats, now);
    if (stats[STAT.streamResets] !== resets) {
      resets = stats[STAT.streamResets]!;
      lastResetFrame = now;
    }
    const current = stats[STAT.currentDelayMs]!;
    // The engine decides once per pull: a pull longer than a quantum is the host's quantum here.
    const pullSlackMs = Math.max(QUANTUM_SLACK_MS, (frames * 1000) / SAMPLE_RATE);
    if (now - lastResetFrame > AFTER_RESYNC_FRAMES && current > 0) worstExcessMs = Math.max(worstExcessMs, current - boundMs - pullSlackMs);
    // The delay steered while packets still come: after the last one the buffer waits for
    // more (the delay grows while it conceals, up to the ceiling), which says nothing of recovery.
    if (now <= lastArrival) finalErrorMs = current - stats[STAT.targetDelayMs]!;
    if (now >= tailStart && now <= lastArrival) {
      const error = Math.abs(current - stats[STAT.targetDelayMs]!);
      if (error > 5) settledSince = NaN;
      else if (Number.isNaN(settledSince)) settledSince = now;
      if (error <= (options.settledMs ?? 5)) unsettledSince = NaN;
      else if (Number.isNaN(unsettledSince)) unsettledSince = now;
    }
  }
  if (stats[STAT.packetsInvalid] !== expectedInvalid + stats[STAT.decoderErrors]!) {
    throw new Error(`packetsInvalid ${stats[STAT.packetsInvalid]} ≠ ${expectedInvalid} refused at the edge + ${stats[STAT.decoderErrors]} decoder errors`);
  }
  return {
    packets: packets.length,
    pulls,
    worstExcessMs,
    finalErrorMs,
    settleSeconds: Number.isFinite(tailStart) ? (settledSince - tailStart) / SAMPLE_RATE : NaN,
    unsettledSeconds: Number.isNaN(unsettledSince) ? 0 : (Math.min(now, lastArrival) - unsettledSince) / SAMPLE_RATE,
    results,
  };
}

/**
 * Every packet the engine took in is played, discarded, still buffered, or
 * failed in the decoder (assembly/engine.ts: insert() counts received only after
 * the payload sizes; duplicates return before they are buffered; late, overflow
 * and resync discards all count in packetsDiscarded; decodeNext() counts played
 * or decoderErrors). Payloads refused as invalid never count as received.
 */
export function checkAccounting(stats: Float64Array, frame: number): void {
  const accounted = stats[STAT.packetsPlayed]! + stats[STAT.packetsDiscarded]! + stats[STAT.packetsBuffered]!;
  const taken = stats[STAT.packetsReceived]! - stats[STAT.packetsDuplicated]! - stats[STAT.decoderErrors]!;
  if (accounted !== taken) {
    throw new Error(
      `at frame ${frame}: played ${stats[STAT.packetsPlayed]} + discarded ${stats[STAT.packetsDiscarded]} + buffered ${stats[STAT.packetsBuffered]} = ${accounted}` +
        ` ≠ received ${stats[STAT.packetsReceived]} − duplicated ${stats[STAT.packetsDuplicated]} − decoder errors ${stats[STAT.decoderErrors]} = ${taken}`,
    );
  }
}

/** fast-check parameters: FUZZ_SEED replays a run; the seed is always printed. */
export function fcParameters(numRuns: number): fc.Parameters<unknown> {
  const fromEnv = process.env.FUZZ_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const runs = process.env.FUZZ_RUNS_SCALE ? Math.max(1, Math.round(numRuns * Number(process.env.FUZZ_RUNS_SCALE))) : numRuns;
  return { seed, numRuns: runs, endOnFailure: false };
}
