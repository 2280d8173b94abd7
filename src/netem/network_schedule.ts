// What the emulated network does to each packet of a stream: packet k of the
// stream is held for delaysMs[k] or lost (null). From a trace it is the same
// mapping the replay uses (src/replay/prepared.ts): each packet's transit is
// its arrival minus its send time (from its RTP timestamp), and the delay is
// that transit above the trace's fastest packet; a sequence number the trace
// never received is a loss. Delay-only traces (irtt, ping, mahimahi) become a
// 20 ms voice stream first (src/trace/voice_from_delays.ts), exactly as in the
// replay. Reordering follows from the delays: a packet held less than the one
// before it overtakes it.

import { prepareReplay } from '../replay/prepared.js';
import { seededRandom } from '../seeded_random.js';
import type { Trace } from '../trace/types.js';

/** Per-packet delays and losses for one direction of a call. */
export interface NetworkSchedule {
  /** Where it comes from: the trace's name, or the generator's. */
  name: string;
  /** Packet k of the emulated stream is held delaysMs[k % length] ms, or lost where null. */
  delaysMs: readonly (number | null)[];
  /** Packet duration of the stream the schedule describes, ms. */
  packetMs: number;
  /** Mean delay of the packets that arrive, ms above the fastest (what every player adds on top of its buffer). */
  meanDelayMs: number;
  /** Lost packets, % of the schedule. */
  lossPercent: number;
}

function withFigures(name: string, delaysMs: (number | null)[], packetMs: number): NetworkSchedule {
  if (delaysMs.length === 0) throw new Error(`${name}: the schedule has no packets`);
  const present = delaysMs.filter((d): d is number => d !== null);
  return {
    name,
    delaysMs,
    packetMs,
    meanDelayMs: present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length,
    lossPercent: (100 * (delaysMs.length - present.length)) / delaysMs.length,
  };
}

/**
 * The schedule of a trace's first `seconds` (all of it when shorter): one
 * entry per sequence number from the first to the last one received.
 */
export function scheduleFromTrace(trace: Trace, seconds = Infinity): NetworkSchedule {
  const prepared = prepareReplay(trace);
  const packetMs = (prepared.packetFrames * 1000) / 48000;
  const transitBySeq = new Map(prepared.packets.map((p) => [p.seq, p.arrivalMs - p.sendMs]));
  let fastest = Infinity;
  let first = Infinity;
  let last = -Infinity;
  for (const [seq, transit] of transitBySeq) {
    fastest = Math.min(fastest, transit);
    first = Math.min(first, seq);
    last = Math.max(last, seq);
  }
  const count = Math.min(last - first + 1, Math.ceil((seconds * 1000) / packetMs));
  const delaysMs: (number | null)[] = [];
  for (let k = 0; k < count; k++) {
    const transit = transitBySeq.get(first + k);
    delaysMs.push(transit === undefined ? null : transit - fastest);
  }
  return withFigures(trace.name, delaysMs, packetMs);
}

/** A network that delivers every packet at once: the baseline any player should play without concealment. */
export function zeroJitterSchedule(packetMs = 20): NetworkSchedule {
  return withFigures('zero-jitter', [0], packetMs);
}

/**
 * `count` packets, each lost with probability `lossRate` (seeded, so every run
 * loses the same packets), the others delivered at once: for exercising loss
 * reports and in-band FEC.
 */
export function randomLossSchedule(count: number, lossRate: number, seed: number, packetMs = 20): NetworkSchedule {
  const random = seededRandom(seed);
  const delaysMs = Array.from({ length: count }, () => (random() < lossRate ? null : 0));
  return withFigures(`random-loss-${(lossRate * 100).toFixed(0)}pct-seed${seed}`, delaysMs, packetMs);
}
