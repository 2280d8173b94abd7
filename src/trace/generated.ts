// Generated network traces with known answers, for the cases the shared
// captures cannot cover alone: each generator is a documented delay model
// driven by a fixed seed, so a test (or `jitterlane generate`) gets the very
// same packets on every run. Every trace is a 20 ms voice stream (or
// `frameMs`) on a 48 kHz clock, like the delay-only shared traces: packet k is
// sent at k × frameMs, arrives after the model's one-way delay, or is lost;
// a packet never overtakes the one sent before it.

import { seededRandom } from '../seeded_random.js';
import { SYNTHESISED_CLOCK_RATE } from './voice_from_delays.js';
import type { Trace, TracePacket } from './types.js';

/** One generated packet's fate: its one-way delay above the path's fastest, ms, or null when lost. */
export type DelayMs = number | null;

/** A delay spike the generator placed: its send-time start, length and height, ms. */
export interface GeneratedSpike {
  startMs: number;
  durationMs: number;
  heightMs: number;
}

/** A generated trace and what the generator knows about it. */
export interface GeneratedTrace {
  trace: Trace;
  /** Per packet (by sequence number from 0): delay above the fastest, ms, or null when lost. */
  delaysMs: DelayMs[];
  /** Spikes placed, in time order (empty for models without spikes). */
  spikes: GeneratedSpike[];
}

/**
 * Makes delays first-in first-out: a packet never overtakes the one sent
 * before it (a path queues, it does not reorder), so a packet sent just after
 * a spike waits behind the spike's last one. Works in place; returns `delaysMs`.
 */
export function inOrder(delaysMs: DelayMs[], frameMs = 20): DelayMs[] {
  let lastArrival = -Infinity;
  delaysMs.forEach((delay, k) => {
    if (delay === null) return;
    const arrival = Math.max(k * frameMs + delay, lastArrival);
    delaysMs[k] = arrival - k * frameMs;
    lastArrival = arrival;
  });
  return delaysMs;
}

/** Builds the Trace of a voice stream from per-packet delays. */
export function traceFromDelays(name: string, delaysMs: readonly DelayMs[], frameMs = 20): Trace {
  const ticks = (frameMs * SYNTHESISED_CLOCK_RATE) / 1000;
  const packets: TracePacket[] = [];
  delaysMs.forEach((delay, k) => {
    if (delay === null) return;
    packets.push({
      arrivalUs: Math.round((k * frameMs + delay) * 1000),
      seq: k % 65536,
      timestamp: (k * ticks) % 0x1_0000_0000,
      payloadType: -1,
      marker: false,
      payload: null,
      payloadBytes: 0,
      ecn: -1,
    });
  });
  // Arrival order, as a capture holds them (ties by sequence).
  packets.sort((a, b) => a.arrivalUs - b.arrivalUs);
  const first = packets[0]?.arrivalUs ?? 0;
  for (const p of packets) p.arrivalUs -= first;
  return {
    path: `generated:${name}`,
    name,
    format: 'csv-delay',
    ssrc: null,
    flows: [],
    clockRate: SYNTHESISED_CLOCK_RATE,
    clockRateSource: 'synthesised',
    payloadType: -1,
    packets,
  };
}

/** An exponential variate of the given mean. */
function exponential(random: () => number, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** Uniform in [low, high). */
function uniform(random: () => number, low: number, high: number): number {
  return low + (high - low) * random();
}

/** Options of the access-jitter model every generator starts from. */
export interface AccessJitterOptions {
  /** Mean of the queueing delay's exponential arrivals, ms (default 2.5: most packets within 20 ms). */
  meanJitterMs?: number;
  /** Share of the last packet's queueing delay the next one inherits (default 0.6: a queue drains between packets). */
  correlation?: number;
  /** Independent random loss probability (default 0). */
  loss?: number;
}

/**
 * Access jitter: an AR(1) queue q_k = correlation × q_{k−1} + Exp(mean), a
 * shape close to a busy access link (a cellular or Wi-Fi hop) where most
 * packets come within 20 ms and a few later; plus random loss.
 */
function accessJitter(random: () => number, packets: number, options: AccessJitterOptions): DelayMs[] {
  const mean = options.meanJitterMs ?? 2.5;
  const correlation = options.correlation ?? 0.6;
  const loss = options.loss ?? 0;
  const out: DelayMs[] = [];
  let queue = 0;
  for (let k = 0; k < packets; k++) {
    queue = correlation * queue + exponential(random, mean * (1 - correlation));
    out.push(random() < loss ? null : queue);
  }
  return out;
}

/** Options of the spiky cellular model. */
export interface SpikyOptions extends AccessJitterOptions {
  seed: number;
  /** Length of the trace, s (default 120). */
  seconds?: number;
  /** Mean time between spike starts, s (exponential, at least minGapS; default 12). */
  meanGapS?: number;
  /** Shortest time between spike starts, s (default 3). */
  minGapS?: number;
  /** Spike heights are uniform in this range, ms (default 100–300). */
  heightMs?: [number, number];
  /** Spike lengths are uniform in this range, ms (default 600–1400: "about a second"). */
  durationMs?: [number, number];
  /**
   * 'step': the delay steps up by the height for the spike's length, packets keep their spacing
   * (a handover, a route through a congested cell). 'hold': the radio stalls for the height, and the
   * packets sent meanwhile are released together when it ends (the first sent waits the whole
   * height, the last almost nothing); the length is not used. Default 'step'.
   */
  shape?: 'step' | 'hold';
  /** No spike starts in the last this many seconds (default 20): the tail shows the recovery. */
  quietTailS?: number;
  frameMs?: number;
}

/**
 * A spiky cellular path: access jitter (most packets within 20 ms) with delay
 * spikes of +100–300 ms lasting about a second, recurring irregularly (the
 * family `d6g_5g_ping-cloud-mmWave` is the mildest member of), then a quiet tail.
 */
export function spikyCellularTrace(options: SpikyOptions): GeneratedTrace {
  const frameMs = options.frameMs ?? 20;
  const random = seededRandom(options.seed);
  const count = Math.round(((options.seconds ?? 120) * 1000) / frameMs);
  const delays = accessJitter(random, count, options);
  const [hLow, hHigh] = options.heightMs ?? [100, 300];
  const [dLow, dHigh] = options.durationMs ?? [600, 1400];
  const endMs = count * frameMs - (options.quietTailS ?? 20) * 1000;
  const spikes: GeneratedSpike[] = [];
  let startMs = Math.max(options.minGapS ?? 3, exponential(random, options.meanGapS ?? 12)) * 1000;
  while (startMs < endMs) {
    const spike = { startMs, durationMs: uniform(random, dLow, dHigh), heightMs: uniform(random, hLow, hHigh) };
    spikes.push(spike);
    const hold = options.shape === 'hold';
    if (hold) spike.durationMs = spike.heightMs;
    const endSpikeMs = spike.startMs + spike.durationMs;
    for (let k = Math.ceil(spike.startMs / frameMs); k * frameMs < endSpikeMs && k < count; k++) {
      const d = delays[k];
      if (d !== null) delays[k] = d + (hold ? endSpikeMs - k * frameMs : spike.heightMs);
    }
    startMs += Math.max(options.minGapS ?? 3, exponential(random, options.meanGapS ?? 12)) * 1000;
  }
  const name = `spiky-${options.shape ?? 'step'}-seed${options.seed}`;
  inOrder(delays, frameMs);
  return { trace: traceFromDelays(name, delays, frameMs), delaysMs: delays, spikes };
}

/** Options of the recurring-lateness model. */
export interface RecurringLatenessOptions extends AccessJitterOptions {
  seed: number;
  seconds?: number;
  /** Every this many packets one is late while a cluster lasts (default 12: a 240 ms rhythm). */
  everyPackets?: number;
  /** The late packet's extra delay is uniform in this range, ms (default 4–15). */
  lateMs?: [number, number];
  /** Clusters of lateness last this long, s (default 2–5), and are this far apart, s (default 2–6). */
  clusterS?: [number, number];
  gapS?: [number, number];
  frameMs?: number;
}

/**
 * A low-latency (L4S-like) path shared with a bursty flow: the queue is tiny,
 * but while the other flow sends (clusters of seconds), one packet in every
 * few lands behind its burst and arrives a few ms late — isolated late
 * packets in a recurring rhythm, the pattern a 10 ms target meets on an L4S
 * queue shared with video.
 */
export function recurringLatenessTrace(options: RecurringLatenessOptions): GeneratedTrace {
  const frameMs = options.frameMs ?? 20;
  const random = seededRandom(options.seed);
  const count = Math.round(((options.seconds ?? 60) * 1000) / frameMs);
  const delays = accessJitter(random, count, { meanJitterMs: options.meanJitterMs ?? 0.4, correlation: options.correlation ?? 0.3, loss: options.loss });
  const every = options.everyPackets ?? 12;
  const [lLow, lHigh] = options.lateMs ?? [4, 15];
  const [cLow, cHigh] = options.clusterS ?? [2, 5];
  const [gLow, gHigh] = options.gapS ?? [2, 6];
  let k = Math.round((uniform(random, gLow, gHigh) * 1000) / frameMs);
  while (k < count) {
    const end = k + Math.round((uniform(random, cLow, cHigh) * 1000) / frameMs);
    const phase = Math.floor(random() * every);
    for (let j = k + phase; j < end && j < count; j += every) {
      const d = delays[j];
      if (d !== null) delays[j] = d + uniform(random, lLow, lHigh);
    }
    k = end + Math.round((uniform(random, gLow, gHigh) * 1000) / frameMs);
  }
  inOrder(delays, frameMs);
  return { trace: traceFromDelays(`recurring-lateness-seed${options.seed}`, delays, frameMs), delaysMs: delays, spikes: [] };
}
