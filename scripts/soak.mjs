// Soak: hours of audio through one engine in Node, as the AudioWorklet drives
// it (every packet whose arrival has passed is inserted, then a 128-frame
// quantum is pulled), from a synthetic hostile network generated on the fly
// (nothing is held in memory but the packets in flight):
//
// - 20 ms PCM16LE packets on a 48 kHz RTP clock (speech-like levels of a
//   400 Hz tone that continues across packets);
// - sender clock drift of +500 or −500 ppm (the sign flips at every SSRC change);
// - network transit of 30 ms plus jitter (mostly small, sometimes a spike of
//   up to 400 ms that drains over half a second: packets then arrive in clumps
//   and out of order), single packets held back (reordering), duplicates,
//   loss bursts of 1–10 packets, DTX pauses of 0.2–3 s (timestamps advance,
//   sequence numbers do not skip), outages of 1–10 s (packets lost, or one time in three held and
//   delivered at once when it ends), and a
//   new SSRC every 20–60 minutes starting just below the timestamp wrap, with
//   fresh random sequence numbers;
// - a seeded generator: the same --seed gives the same run.
//
// Checked on every quantum: nothing throws; the WASM memory stays the size it
// had after warm-up; every output sample is finite and within [−1, 1]; every
// packet is accounted for (played + discarded + still buffered = received −
// duplicates − decoder errors: packets concealment passed over are counted as
// late in packetsDiscarded, assembly/engine.ts); the steered delay
// (currentDelayMs) stays within the profile's ceiling + one packet + one
// quantum (an excess is recorded and the run goes on; it fails at the end).
// At the end: every counter equals an independent count kept here in
// JavaScript, exactly (the engine's counters are f64), and the integer
// counters are still integers.
//
//   npm run soak -- --hours H      (default 24; also --seed N, --profile l4s|classic,
//                                   --ssrc-every-minutes M (0: one stream throughout), --json)
//
// Exits 1 with the first failure (its hour, quantum and what broke).

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SAMPLE_RATE } from '../dist/src/engine/contract.js';
import { BUILT_IN_PROFILES } from '../dist/src/engine/index.js';
import { seededRandom } from '../dist/src/seeded_random.js';

const QUANTUM_FRAMES = 128;
/** 20 ms at 48 kHz: the packet of most voice calls. */
const PACKET_FRAMES = 960;
const PACKET_MS = 20;
/** Constant part of the network transit, frames (30 ms). */
const BASE_TRANSIT_FRAMES = 30 * 48;
/** Memory is measured after this much audio (engine creation and first packets are done by then). */
const WARM_UP_FRAMES = 10 * SAMPLE_RATE;
/** One 128-frame quantum, ms (2.67), rounded up: the engine decides once per pull. */
const QUANTUM_SLACK_MS = 2.7;
/** The latency bound is not applied in the first second after a stream (re)start: the first packets set the baseline. */
const AFTER_RESET_FRAMES = SAMPLE_RATE;
/** Per-packet chances of each fault (about every 10 s a loss burst, every 7 s a reordered packet...). */
const P = {
  lossBurst: 0.002,
  duplicate: 0.003,
  reorder: 0.003,
  dtx: 0.0005,
  outage: 0.00005,
  spike: 0.001,
};


/** A binary min-heap of packets in flight, by arrival frame, then by the order they were sent. */
export class ArrivalQueue {
  items = [];
  get size() {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  static less(a, b) {
    return a.arrivalFrame < b.arrivalFrame || (a.arrivalFrame === b.arrivalFrame && a.order < b.order);
  }
  push(item) {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!ArrivalQueue.less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && ArrivalQueue.less(items[l], items[m])) m = l;
        if (r < items.length && ArrivalQueue.less(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

/** PCM16LE payloads of a 400 Hz tone (exactly 8 cycles per 20 ms packet, so it continues across packets) at speech-like levels. */
function makePayloads() {
  const levels = [0.7, 0.5, 0.3, 0.1, 0.02, 0.003]; // down to −50 dBFS: the stretcher's low-energy path
  return levels.map((amplitude) => {
    const bytes = new Uint8Array(PACKET_FRAMES * 2);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < PACKET_FRAMES; i++) view.setInt16(2 * i, Math.round(32767 * amplitude * Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE)), true);
    return bytes;
  });
}

/**
 * The sender and the network: produces packets in sending order with their
 * arrival frame, and keeps its own tallies of what it did.
 */
export class HostileNetwork {
  constructor(seed, ssrcEveryMinutes) {
    this.random = seededRandom(seed);
    this.ssrcEveryMinutes = ssrcEveryMinutes;
    this.payloads = makePayloads();
    this.sendFrame = 0; // the sender's next send, real frames (48 kHz of true time)
    this.order = 0;
    this.spikeFrames = 0; // extra transit now, decaying
    this.spikeDecayPerPacket = 0;
    this.lossLeft = 0;
    this.level = 0;
    this.tally = { sent: 0, lost: 0, duplicates: 0, reordered: 0, dtxPauses: 0, outages: 0, heldOutages: 0, ssrcChanges: 0, spikes: 0, seqWraps: 0, tsWraps: 0 };
    this.newStream(true);
  }

  /** A new SSRC: fresh sequence numbers, a timestamp 0–600 s below the 2^32 wrap, drift of the other sign. */
  newStream(first) {
    const r = this.random;
    this.ssrc = Math.floor(r() * 0x1_0000_0000);
    this.seq = Math.floor(r() * 0x10000);
    this.ts = 0x1_0000_0000 - Math.floor(r() * 600 * SAMPLE_RATE) - PACKET_FRAMES;
    this.driftPpm = first ? 500 : -this.driftPpm;
    // Every 20–60 minutes by default; 0: one stream for the whole run (its timestamps unwrap past 2^32).
    const minutes = this.ssrcEveryMinutes === undefined ? 20 + 40 * r() : this.ssrcEveryMinutes;
    this.nextSsrcChangeFrame = minutes > 0 ? this.sendFrame + minutes * 60 * SAMPLE_RATE : Infinity;
    if (!first) this.tally.ssrcChanges++;
  }

  /** Real frames one packet's audio spans on the sender's drifting clock. */
  get realPerPacket() {
    return PACKET_FRAMES / (1 + this.driftPpm * 1e-6);
  }

  advance(packets) {
    for (let k = 0; k < packets; k++) {
      const seq = this.seq + 1;
      if (seq > 0xffff) this.tally.seqWraps++;
      this.seq = seq & 0xffff;
      const ts = this.ts + PACKET_FRAMES;
      if (ts >= 0x1_0000_0000) this.tally.tsWraps++;
      this.ts = ts % 0x1_0000_0000;
      this.sendFrame += this.realPerPacket;
    }
  }

  /** Calls `deliver(packet)` for the next packet(s) the sender emits (zero or more: losses, duplicates). */
  step(deliver) {
    const r = this.random;
    if (this.sendFrame >= this.nextSsrcChangeFrame) this.newStream(false);
    // DTX: the sender stops; the timestamp jumps, the sequence number does not.
    if (r() < P.dtx) {
      const pauseFrames = Math.round((0.2 + 2.8 * r()) * SAMPLE_RATE / PACKET_FRAMES) * PACKET_FRAMES;
      const ts = this.ts + pauseFrames;
      if (ts >= 0x1_0000_0000) this.tally.tsWraps++;
      this.ts = ts % 0x1_0000_0000;
      this.sendFrame += pauseFrames / (1 + this.driftPpm * 1e-6);
      this.tally.dtxPauses++;
    }
    // An outage: 1–10 s in which nothing arrives. Mostly the packets are lost; one time in
    // three the network held them and delivers them all at its end (a stalled link).
    if (r() < P.outage) {
      const packets = Math.round(((1 + 9 * r()) * 1000) / PACKET_MS);
      const held = r() < 1 / 3;
      const endFrame = this.sendFrame + packets * this.realPerPacket + BASE_TRANSIT_FRAMES;
      this.tally.outages++;
      this.tally.sent += packets;
      if (held) {
        this.tally.heldOutages++;
        for (let k = 0; k < packets; k++) {
          deliver({ sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc, arrivalFrame: Math.round(endFrame), payload: this.payloads[this.level], order: this.order++ });
          this.advance(1);
        }
      } else {
        this.tally.lost += packets;
        this.advance(packets);
      }
    }
    if (this.lossLeft === 0 && r() < P.lossBurst) this.lossLeft = 1 + Math.floor(r() * 10);
    if (r() < P.spike) {
      // A queue builds up to 50–400 ms (beyond the l4s ceiling) and drains over 0.5 s.
      this.spikeFrames = (50 + 350 * r()) * 48;
      this.spikeDecayPerPacket = this.spikeFrames / 25;
      this.tally.spikes++;
    }
    // Speech-like level changes every few packets.
    if (r() < 0.1) this.level = Math.floor(r() * this.payloads.length);

    this.tally.sent++;
    const transit = BASE_TRANSIT_FRAMES + r() * r() * r() * 40 * 48 + this.spikeFrames;
    this.spikeFrames = Math.max(0, this.spikeFrames - this.spikeDecayPerPacket);
    let arrivalFrame = Math.round(this.sendFrame + transit);
    if (this.lossLeft > 0) {
      this.lossLeft--;
      this.tally.lost++;
    } else {
      if (r() < P.reorder) {
        arrivalFrame += Math.round((20 + 60 * r()) * 48);
        this.tally.reordered++;
      }
      const packet = { sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc, arrivalFrame, payload: this.payloads[this.level], order: this.order++ };
      deliver(packet);
      if (r() < P.duplicate) {
        const copies = 1 + Math.floor(r() * 2);
        for (let c = 0; c < copies; c++) deliver({ ...packet, arrivalFrame: arrivalFrame + Math.round(r() * 100 * 48), order: this.order++ });
        this.tally.duplicates += copies;
      }
    }
    this.advance(1);
  }
}

/**
 * Runs the soak. Options: hours (of audio), seed, profile, loadEngineModule,
 * ssrcEveryMinutes (default: 20–60 at random; 0: never), STAT_INDEX (from dist/src/engine/index.js), onProgress(summary) every simulated
 * hour, preload (counters to start from, by stat name: checks exactness past
 * 2^32 without running for days). Returns the summary; `failure` is null when
 * every invariant held.
 */
export function runSoak({ hours = 24, seed = 1, profile = 'l4s', ssrcEveryMinutes, loadEngineModule, STAT_INDEX, onProgress = () => {}, preload = {} }) {
  const S = STAT_INDEX;
  const module = loadEngineModule('release');
  const engine = module.createEngine({ codec: 'PCM16LE', profile });
  const memory = module.exports.memory;
  const stats = engine.statsView;
  for (const [name, value] of Object.entries(preload)) stats[S[name]] = value;
  const base = Object.fromEntries(Object.keys(S).map((name) => [name, stats[S[name]]]));
  const network = new HostileNetwork(seed, ssrcEveryMinutes);
  const queue = new ArrivalQueue();
  const endFrame = Math.round(hours * 3600 * SAMPLE_RATE);
  const boundMs = BUILT_IN_PROFILES[profile].ceilingMs + PACKET_MS + QUANTUM_SLACK_MS;
  const results = { ok: 0, duplicate: 0, late: 0, resync: 0, overflow: 0, invalid: 0 };
  let inserted = 0;
  let now = 0;
  let quanta = 0;
  let warmBytes = -1;
  let firstBytes = memory.buffer.byteLength;
  let resets = stats[S.streamResets];
  let lastResetFrame = 0;
  let worstDelayMs = 0;
  let worstBufferedMs = 0;
  let worstExcessMs = -Infinity;
  /** Quanta whose currentDelayMs exceeded the bound, and the first of them. */
  const latency = { count: 0, first: null };
  let failure = null;
  const started = performance.now();
  const deliver = (p) => queue.push(p);
  const fail = (what) => {
    failure = { hour: now / (3600 * SAMPLE_RATE), quantum: quanta, frame: now, what };
  };
  let nextProgress = 3600 * SAMPLE_RATE;

  try {
    while (now < endFrame) {
      // Generate until everything that can arrive before the end of this quantum is queued
      // (no packet arrives sooner than its send frame + the base transit).
      while (network.sendFrame <= now + QUANTUM_FRAMES) network.step(deliver);
      while (queue.size > 0 && queue.peek().arrivalFrame <= now) {
        const p = queue.pop();
        const result = engine.insert(p.payload, p);
        results[result]++;
        inserted++;
      }
      const out = engine.pull(QUANTUM_FRAMES)[0];
      for (let i = 0; i < QUANTUM_FRAMES; i++) {
        const v = out[i];
        if (!(v >= -1 && v <= 1)) {
          fail(`output sample ${v} at frame ${now + i} is not finite within [-1, 1]`);
          break;
        }
      }
      if (failure) break;
      now += QUANTUM_FRAMES;
      quanta++;
      const bytes = memory.buffer.byteLength;
      if (warmBytes < 0) {
        if (now >= WARM_UP_FRAMES) warmBytes = bytes;
      } else if (bytes !== warmBytes) {
        fail(`WASM memory changed from ${warmBytes} to ${bytes} bytes after warm-up`);
        break;
      }
      const accounted = stats[S.packetsPlayed] + stats[S.packetsDiscarded] + stats[S.packetsBuffered] - base.packetsPlayed - base.packetsDiscarded;
      const taken = stats[S.packetsReceived] - stats[S.packetsDuplicated] - stats[S.decoderErrors] - base.packetsReceived + base.packetsDuplicated + base.decoderErrors;
      if (accounted !== taken) {
        fail(`played + discarded + buffered = ${accounted} ≠ received − duplicated − decoder errors = ${taken}`);
        break;
      }
      if (stats[S.streamResets] !== resets) {
        resets = stats[S.streamResets];
        lastResetFrame = now;
      }
      const delay = stats[S.currentDelayMs];
      if (delay > worstDelayMs) worstDelayMs = delay;
      if (stats[S.bufferedMs] > worstBufferedMs) worstBufferedMs = stats[S.bufferedMs];
      if (now - lastResetFrame > AFTER_RESET_FRAMES) {
        const excess = delay - boundMs;
        if (excess > worstExcessMs) worstExcessMs = excess;
        if (excess > 0) {
          // Recorded, not fatal at once: the run goes on so that its end shows how often and how far.
          latency.count++;
          if (latency.first === null) latency.first = { hour: now / (3600 * SAMPLE_RATE), quantum: quanta, currentDelayMs: delay, boundMs };
        }
      }
      if (now >= nextProgress) {
        nextProgress += 3600 * SAMPLE_RATE;
        onProgress(summary());
      }
    }
  } catch (error) {
    fail(`exception: ${error?.stack ?? error}`);
  }

  function summary() {
    const counters = Object.fromEntries(Object.entries(S).map(([name, i]) => [name, stats[i]]));
    return {
      hoursOfAudio: now / (3600 * SAMPLE_RATE),
      seed,
      profile,
      wallSeconds: (performance.now() - started) / 1000,
      packetsInserted: inserted,
      quanta,
      insertResults: { ...results },
      network: { ...network.tally, driftPpm: '±500' },
      memory: { atCreate: firstBytes, afterWarmUp: warmBytes, atEnd: memory.buffer.byteLength },
      worstCurrentDelayMs: worstDelayMs,
      worstExcessOverBoundMs: worstExcessMs,
      latencyExceedances: { ...latency },
      worstBufferedMs,
      counters,
    };
  }

  const result = summary();
  result.realtimeFactor = result.hoursOfAudio * 3600 / result.wallSeconds;
  // Exactness: the engine's f64 counters against what this side counted itself.
  const expected = {
    nowFrames: base.nowFrames + quanta * QUANTUM_FRAMES,
    packetsReceived: base.packetsReceived + inserted - results.invalid,
    packetsDuplicated: base.packetsDuplicated + results.duplicate,
    packetsOverflow: base.packetsOverflow + results.overflow,
    packetsInvalid: base.packetsInvalid + results.invalid,
    streamResets: base.streamResets + results.resync,
  };
  const mismatches = [];
  for (const [name, value] of Object.entries(expected)) {
    if (result.counters[name] !== value) mismatches.push(`${name} ${result.counters[name]} ≠ ${value} counted here`);
  }
  // Late packets: at least those insert() refused as late; the rest were passed over by concealment.
  if (!(result.counters.packetsLate >= base.packetsLate + results.late)) mismatches.push(`packetsLate ${result.counters.packetsLate} < ${results.late} refused as late`);
  const integers = ['packetsReceived', 'packetsDiscarded', 'packetsDuplicated', 'packetsLate', 'packetsOverflow', 'packetsInvalid', 'packetsPlayed', 'totalSamplesReceived', 'totalSamplesEmitted', 'concealedSamples', 'silentConcealedSamples', 'concealmentEvents', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration', 'jitterBufferEmittedCount', 'streamResets', 'decoderErrors', 'nowFrames'];
  for (const name of integers) if (!Number.isSafeInteger(result.counters[name])) mismatches.push(`${name} ${result.counters[name]} is not an exact integer`);
  const emitted = result.counters.totalSamplesEmitted - base.totalSamplesEmitted;
  if (emitted > quanta * QUANTUM_FRAMES) mismatches.push(`totalSamplesEmitted grew by ${emitted}, more than the ${quanta * QUANTUM_FRAMES} frames pulled`);
  if (!failure && mismatches.length > 0) fail(`counters: ${mismatches.join('; ')}`);
  if (!failure && latency.count > 0) {
    const f = latency.first;
    fail(`currentDelayMs above the ${profile} ceiling + one packet + one quantum (${boundMs} ms) in ${latency.count} quanta, worst by ${worstExcessMs.toFixed(2)} ms; first at ${f.hour.toFixed(4)} h (quantum ${f.quantum}): ${f.currentDelayMs.toFixed(2)} ms`);
  }
  result.expectedCounters = expected;
  result.failure = failure;
  engine.destroy();
  return result;
}

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main() {
  const { loadEngineModule } = await import('../dist/src/engine/node_loader.js');
  const { STAT_INDEX } = await import('../dist/src/engine/index.js');
  const hours = Number(option('hours', '24'));
  const seed = Number(option('seed', '1'));
  const profile = option('profile', 'l4s');
  const ssrcOption = option('ssrc-every-minutes', undefined);
  const ssrcEveryMinutes = ssrcOption === undefined ? undefined : Number(ssrcOption);
  if (!(hours > 0) || !Number.isInteger(seed) || !(profile in BUILT_IN_PROFILES)) {
    console.error('usage: npm run soak -- [--hours H (default 24)] [--seed N] [--profile l4s|classic] [--ssrc-every-minutes M (0: never)] [--json]');
    process.exit(2);
  }
  const json = process.argv.includes('--json');
  console.log(`soak: ${hours} h of audio, seed ${seed}, profile ${profile}`);
  const result = runSoak({
    hours,
    seed,
    profile,
    ssrcEveryMinutes,
    loadEngineModule,
    STAT_INDEX,
    onProgress: (s) => console.log(`  ${s.hoursOfAudio.toFixed(0)} h: ${s.packetsInserted} packets, ${s.quanta} quanta, ${s.wallSeconds.toFixed(0)} s wall, worst delay ${s.worstCurrentDelayMs.toFixed(1)} ms`),
  });
  if (json) console.log(JSON.stringify(result));
  else {
    const c = result.counters;
    console.log(`audio ${result.hoursOfAudio.toFixed(3)} h in ${result.wallSeconds.toFixed(1)} s wall (${result.realtimeFactor.toFixed(0)} × realtime)`);
    console.log(`packets inserted ${result.packetsInserted} (${JSON.stringify(result.insertResults)}), quanta ${result.quanta}`);
    console.log(`network ${JSON.stringify(result.network)}`);
    console.log(`memory ${JSON.stringify(result.memory)}; worst currentDelayMs ${result.worstCurrentDelayMs.toFixed(2)} (bound ${result.worstExcessOverBoundMs <= 0 ? '−' : '+'} ${Math.abs(result.worstExcessOverBoundMs).toFixed(2)}), worst bufferedMs ${result.worstBufferedMs.toFixed(2)}`);
    console.log(`counters ${JSON.stringify(c)}`);
  }
  if (result.failure) {
    console.log(`FAILED at ${result.failure.hour.toFixed(4)} h (quantum ${result.failure.quantum}): ${result.failure.what}`);
    process.exit(1);
  }
  console.log('soak: every invariant held');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
