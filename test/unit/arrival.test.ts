// Checks assembly/arrival.ts (DelayTracker): relative delay is measured
// against the fastest packet of a 10 s window, whatever the clock offset or a
// ±500 ppm drift; the forgetting histogram's 0.97 quantile follows a step up
// within the packets its forgetting factor predicts, ignores a single spike,
// and comes down steadily; recurring lateness is covered and rare spikes are
// not (lateness.ts); a delay spike stays out of the histogram.

import { beforeEach, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';
import { seededRandom as random } from '../helpers/engine_stream.js';

const SAMPLE_RATE = 48_000;
const FRAMES_PER_MS = SAMPLE_RATE / 1000;
// 20 ms packets.
const PACKET_FRAMES = 960;
const PACKET_MS = 20;

// The built-in profiles' estimator (assembly/profile.ts): 0.97 quantile,
// histogram memory of 500 packets, i.e. forgetting factor λ = 1 − 1/500.
const QUANTILE = 0.97;
const MEMORY_PACKETS = 500;
const LAMBDA = 1 - 1 / MEMORY_PACKETS;

// The fastest-transit window (assembly/arrival.ts): 20 buckets of 500 ms.
const WINDOW_BUCKET_FRAMES = 500 * FRAMES_PER_MS;
const WINDOW_BUCKETS = 20;

// An arbitrary sender/receiver clock offset: relative delays must not see it.
const CLOCK_OFFSET_FRAMES = 1_234_567;
// The network's base delay under every relative delay below.
const BASE_DELAY_MS = 20;

// Below 32 ms the histogram's buckets are 0.25 ms wide (assembly/arrival.ts):
// the quantile's resolution there.
const FINE_BUCKET_MS = 0.25;

let dsp: DspModule;

beforeEach(async () => {
  dsp = await loadDspModule();
});

/** A tracker fed one 20 ms packet at a time, packet k sent at position k · 960. */
class Stream {
  readonly tracker = dsp.exports.delayTrackerCreate(SAMPLE_RATE);
  next = 0;

  constructor(
    private readonly offsetFrames = CLOCK_OFFSET_FRAMES,
    /** Receiver clock rate error: +500e-6 runs it 500 ppm fast. */
    private readonly drift = 0,
  ) {}

  /** Arrival frame of packet k with `extraMs` above the base delay. */
  arrivalOf(k: number, extraMs: number): number {
    return this.offsetFrames + k * PACKET_FRAMES * (1 + this.drift) + (BASE_DELAY_MS + extraMs) * FRAMES_PER_MS;
  }

  /** Delivers the next packet `extraMs` above the base delay; returns its relative delay in ms. */
  packet(extraMs = 0): number {
    const k = this.next++;
    dsp.exports.delayTrackerObserve(this.tracker, this.arrivalOf(k, extraMs), k * PACKET_FRAMES, MEMORY_PACKETS, this.quantile());
    return dsp.exports.delayTrackerLastRelativeMs(this.tracker);
  }

  quantile(): number {
    return dsp.exports.delayTrackerQuantileMs(this.tracker, QUANTILE);
  }
}

/**
 * Packets of a new level it takes until the 0.97 quantile reaches it, from
 * the forgetting alone: packet j carries weight λ^−j, so after `before`
 * packets at the old level and k at the new one the old level keeps
 * λ^k (1 − λ^before)/(1 − λ^(before + k)) of the mass, and the quantile
 * leaves it once that share is below 0.97.
 */
function packetsToCross(before: number): number {
  let k = 0;
  while (LAMBDA ** k * (1 - LAMBDA ** before) / (1 - LAMBDA ** (before + k)) >= QUANTILE) k++;
  return k;
}

describe('DelayTracker relative delay', () => {
  it('measures each packet against the fastest one so far, whatever the clock offset', () => {
    const delaysMs = [30, 10, 50, 20, 10, 5, 40];
    // Each delay minus the smallest delay up to it.
    const expected = [0, 0, 40, 10, 0, 0, 35];
    for (const offset of [CLOCK_OFFSET_FRAMES, 17]) {
      const stream = new Stream(offset);
      expect(delaysMs.map((d) => stream.packet(d))).toEqual(expected);
      // The fastest transit: offset plus base delay plus the 5 ms packet's extra.
      expect(dsp.exports.delayTrackerMinTransit(stream.tracker)).toBe(offset + (BASE_DELAY_MS + 5) * FRAMES_PER_MS);
    }
  });

  it('does not let one burst of early packets pull the baseline down', () => {
    const stream = new Stream();
    for (let k = 0; k < 100; k++) stream.packet();
    // One packet 20 ms faster than all the others (a sender running ahead: it lands in one
    // 500 ms bucket), then steady ones: the baseline is the second-lowest bucket minimum of
    // the window, so the steady packets stay at 0 relative delay.
    expect(stream.packet(-20)).toBe(0);
    const relatives: number[] = [];
    for (let k = 0; k < 200; k++) relatives.push(stream.packet());
    expect(relatives.every((r) => r === 0)).toBe(true);
  });

  it('follows a path that stays faster for more than one bucket, and forgets it 10 s later', () => {
    const stream = new Stream();
    for (let k = 0; k < 100; k++) stream.packet();
    // One second of packets 20 ms faster (two 500 ms buckets), then the old delay again.
    for (let k = 0; k < 50; k++) stream.packet(-20);
    const start = stream.next;
    const relatives: number[] = [];
    for (let k = 0; k < 700; k++) relatives.push(stream.packet());
    // Measured against the faster path until its second bucket leaves the window (9.5 to
    // 10 s later, by where the packets fell in their buckets), then against the steady one.
    const forgotten = relatives.findIndex((r) => r === 0);
    expect(relatives.slice(0, forgotten).every((r) => Math.abs(r - 20) < 1e-9)).toBe(true);
    expect(relatives.slice(forgotten).every((r) => r === 0)).toBe(true);
    const afterMs = (forgotten + start - (start - 25)) * PACKET_MS;
    expect(afterMs).toBeGreaterThanOrEqual(9_000);
    expect(afterMs).toBeLessThanOrEqual(10_520);
  });

  it('keeps a steady stream under 5 ms of relative delay through +500 ppm of clock drift', () => {
    // 60 s: without the window, transit would have crept up 30 ms.
    const stream = new Stream(CLOCK_OFFSET_FRAMES, 500e-6);
    let largest = 0;
    for (let k = 0; k < 3000; k++) largest = Math.max(largest, stream.packet());
    // Transit grows 0.5 ms per second; the baseline is the second-lowest bucket
    // minimum of a window reaching 9.5 to 10 s back, so the newest packet sits
    // 4.25 to 5 ms above it.
    expect(largest).toBeLessThanOrEqual(5 + 1e-9);
    expect(largest).toBeGreaterThan(4.25 - 1e-9);
    expect(stream.quantile()).toBeLessThanOrEqual(5);
  });

  it('keeps a steady stream at 0 relative delay through −500 ppm of clock drift', () => {
    // A slow receiver clock: every packet is the fastest so far.
    const stream = new Stream(CLOCK_OFFSET_FRAMES, -500e-6);
    let largest = 0;
    for (let k = 0; k < 3000; k++) largest = Math.max(largest, stream.packet());
    expect(largest).toBeLessThan(1e-9);
  });
});

describe('DelayTracker 0.97 quantile', () => {
  it('reaches a 40 ms step in delay within 16 packets, as its forgetting factor predicts', () => {
    const stream = new Stream();
    const history = 1000;
    for (let k = 0; k < history; k++) stream.packet();
    let packets = 0;
    while (packets < MEMORY_PACKETS) {
      stream.packet(40);
      packets++;
      // 40 ms of relative delay falls in the [40, 41) ms bucket.
      if (stream.quantile() >= 40) break;
    }
    // With any history the old level keeps at most λ^k of the mass, so
    // k ≥ ln 0.97 / ln λ = 15.2, i.e. 16 packets, always suffice; after
    // 1000 packets (20 s) the formula gives the exact count, 14.
    const expected = packetsToCross(history);
    expect(expected).toBe(14);
    expect(Math.abs(packets - expected)).toBeLessThanOrEqual(1);
    expect(packets).toBeLessThanOrEqual(Math.ceil(Math.log(QUANTILE) / Math.log(LAMBDA)));
  });

  it('is not moved by a single spike', () => {
    // Two streams with the same seeded jitter (0–10 ms); one meets a 100 ms spike.
    const spiked = new Stream();
    const twin = new Stream();
    const nextSpiked = random(99);
    const nextTwin = random(99);
    for (let k = 0; k < 1000; k++) {
      spiked.packet(10 * nextSpiked());
      twin.packet(10 * nextTwin());
    }
    spiked.packet(100);
    twin.packet(10 * nextTwin());
    nextSpiked();
    let largestDifference = 0;
    for (let k = 0; k < 200; k++) {
      largestDifference = Math.max(largestDifference, Math.abs(spiked.quantile() - twin.quantile()));
      spiked.packet(10 * nextSpiked());
      twin.packet(10 * nextTwin());
    }
    // The spike carries about 0.2 % of the mass, far below the 3 % above
    // the quantile: it only shifts the interpolation inside a bucket, by
    // less than the 0.25 ms bucket width (measured 0.029 ms).
    expect(largestDifference).toBeLessThan(FINE_BUCKET_MS);
  });

  it('comes down steadily after the delay falls back: never up, and below 40 ms when the forgetting says', () => {
    const stream = new Stream();
    const low = 1000;
    // 6 s: shorter than the 10 s window, which would otherwise take the
    // raised delay as its new baseline (the fastest packet would be a high one).
    const high = 300;
    for (let k = 0; k < low; k++) stream.packet();
    for (let k = 0; k < high; k++) stream.packet(40);
    let previous = stream.quantile();
    expect(previous).toBeGreaterThanOrEqual(40);
    let below40At = -1;
    for (let k = 1; k <= 4000; k++) {
      stream.packet();
      const q = stream.quantile();
      expect(q).toBeLessThanOrEqual(previous);
      if (below40At < 0 && q < 40) below40At = k;
      previous = q;
    }
    // The high level's weights are λ^−j for j in [1000, 1300); it keeps
    // more than 3 % of the mass, and the quantile at 40 ms or above, until
    // enough low packets follow.
    // Sum of λ^−j for j in [from, to): a geometric series.
    const weight = (from: number, to: number) => (LAMBDA ** -to - LAMBDA ** -from) / (1 / LAMBDA - 1);
    let expected = 0;
    while (weight(low, low + high) / weight(0, low + high + expected) > 1 - QUANTILE) expected++;
    expect(Math.abs(below40At - expected)).toBeLessThanOrEqual(1);
    // 1357 packets, 27 s of 20 ms packets: the target does not drop at once.
    expect(below40At * PACKET_MS).toBeGreaterThan(25_000);
    // In the end it is back in the lowest bucket.
    expect(previous).toBeLessThan(FINE_BUCKET_MS);
  });

  it('reads 0 before any packet and after reset', () => {
    const stream = new Stream();
    expect(stream.quantile()).toBe(0);
    for (let k = 0; k < 50; k++) stream.packet(30);
    dsp.exports.delayTrackerReset(stream.tracker);
    expect(stream.quantile()).toBe(0);
    expect(dsp.exports.delayTrackerPackets(stream.tracker)).toBe(0);
  });
});

describe('DelayTracker lateness cover and spikes', () => {
  // The engine's choices (assembly/engine.ts): episodes over the last 20 s, an episode a
  // minute worth 3 ms, and a packet one 128-frame quantum (2.67 ms) ahead of its audio.
  const WINDOW_MS = 20_000;
  const EPISODE_COST_MS = 3;
  const MARGIN_MS = 128 / FRAMES_PER_MS;

  function nowMs(stream: Stream): number {
    return (stream.arrivalOf(stream.next - 1, 0) * 1000) / SAMPLE_RATE;
  }

  /** The delay estimate as DelayTarget makes it: the cover above the body, plus the one-quantum margin. */
  function cover(stream: Stream, atMs = nowMs(stream)): number {
    return dsp.exports.delayTrackerCoverMs(stream.tracker, atMs, WINDOW_MS, EPISODE_COST_MS, stream.quantile()) + MARGIN_MS;
  }

  it('covers lateness that recurs: one late packet in fifty, 5 ms late, lifts the estimate to it plus a quantum', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k % 50 === 0 ? 5 : 0);
    // 60 episodes a minute above a body of ~0 (2 % of packets late: within the 0.97
    // quantile's 3 %): concealing them costs 60 × (3 + 5 / 30) ≫ covering 5 ms.
    expect(stream.quantile()).toBeLessThan(1);
    expect(cover(stream)).toBeCloseTo(5 + MARGIN_MS, 1);
  });

  it('does not cover one late packet that is far above the rest: waiting it out once costs less', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k === 900 ? 30 : 0);
    // One episode in 20 s is 3 a minute: 3 × (3 + 30 / 30) = 12 ms against 30 ms of cover.
    expect(cover(stream)).toBeLessThan(1 + MARGIN_MS);
  });

  it('covers one slightly late packet, since a few ms of target is cheaper than the stall', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k === 900 ? 2 : 0);
    // 3 a minute × (3 + 2 / 30) ≈ 9.2 ms of cost against 2 ms of cover.
    expect(cover(stream)).toBeCloseTo(2 + MARGIN_MS, 1);
  });

  it('answers for the profile asked about: a switch to another episode price or window is not served the last answer', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k === 900 ? 2 : 0);
    expect(cover(stream)).toBeCloseTo(2 + MARGIN_MS, 1);
    // Unpriced, the same episode costs 3 a minute × 2 / 30 = 0.2 ms against 2 ms of cover: waited out.
    const unpriced = dsp.exports.delayTrackerCoverMs(stream.tracker, nowMs(stream), WINDOW_MS, 0, stream.quantile());
    expect(unpriced).toBeLessThan(1);
    // Over a 60 s window it is one a minute: 1 × (3 + 2 / 30) ≈ 3.1 ms against 2: still covered.
    expect(dsp.exports.delayTrackerCoverMs(stream.tracker, nowMs(stream), 3 * WINDOW_MS, EPISODE_COST_MS, stream.quantile())).toBeCloseTo(2, 1);
  });

  it('counts episode rates over the time observed while a new stream fills the window, and over 5 s at least', () => {
    // A packet 20 ms late 6 s into the stream: one in 6 s is 10 a minute, 10 × (3 + 20 / 30) ≈ 37 ms of
    // cost against 20 ms of cover: covered. Counted over the whole 20 s window (3 a minute, 11 ms) it was not.
    const early = new Stream();
    for (let k = 0; k <= 300; k++) early.packet(k === 300 ? 20 : 0);
    expect(cover(early)).toBeCloseTo(20 + MARGIN_MS, 1);
    // The same packet 18 s in: 3.3 a minute, 12 ms against 20: waited out.
    const later = new Stream();
    for (let k = 0; k <= 900; k++) later.packet(k === 900 ? 20 : 0);
    expect(cover(later)).toBeLessThan(1 + MARGIN_MS);
    // One 50 ms late at 1 s is not a rate of 60 a minute: over 5 s, 12 × (3 + 50 / 30) = 56 against 50 would
    // cover it; at 60 a minute so would anything up to 1 s. 80 ms: 12 × (3 + 80 / 30) = 68 against 80, waited out.
    const first = new Stream();
    for (let k = 0; k <= 50; k++) first.packet(k === 50 ? 80 : 0);
    expect(cover(first)).toBeLessThan(1 + MARGIN_MS);
  });

  it('counts a run of consecutive late packets as one episode at its highest', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k >= 900 && k < 940 ? 4 + (k % 3) : 0);
    // One episode of height 6 (not 40): 3 a minute × (3 + 6/30) ≈ 9.6 ms against 6 ms of cover.
    expect(cover(stream)).toBeCloseTo(6 + MARGIN_MS, 1);
  });

  it('lets the cover go once the episodes have left the window', () => {
    const stream = new Stream();
    for (let k = 0; k < 1000; k++) stream.packet(k % 50 === 0 ? 5 : 0);
    expect(cover(stream)).toBeCloseTo(5 + MARGIN_MS, 1);
    expect(cover(stream, nowMs(stream) + WINDOW_MS + 20)).toBeLessThan(1 + MARGIN_MS);
  });

  it('keeps a delay spike out of the histogram and reports its level while it lasts', () => {
    const stream = new Stream();
    for (let k = 0; k < 500; k++) stream.packet();
    // A 1 s step of +200 ms: 50 packets far above the body.
    for (let k = 0; k < 50; k++) stream.packet(200);
    expect(dsp.exports.delayTrackerSpikeFloorMs(stream.tracker)).toBeCloseTo(200, 6);
    // The histogram never saw them: the quantile stays at the body (10 % of its memory would have lifted it to 200).
    expect(stream.quantile()).toBeLessThan(1);
    stream.packet(0);
    expect(dsp.exports.delayTrackerSpikeFloorMs(stream.tracker)).toBe(0);
  });
});
