// Soak: hours of audio through one engine in Node, driven by the feed loop
// (src/replay/feed_loop.ts) as the AudioWorklet drives it, from the hostile
// network of hostile_network.ts.
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
import { SAMPLE_RATE } from '../../src/engine/contract.js';
import { BUILT_IN_PROFILES, STAT_INDEX, type InsertResult, type ProfileName, type StatName } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { FeedLoop } from '../../src/replay/feed_loop.js';
import { HostileNetwork, PACKET_MS, type NetworkTally } from './hostile_network.js';

const QUANTUM_FRAMES = 128;
/** Memory is measured after this much audio (engine creation and first packets are done by then). */
const WARM_UP_FRAMES = 10 * SAMPLE_RATE;
/** One 128-frame quantum, ms (2.67), rounded up: the engine decides once per pull. */
const QUANTUM_SLACK_MS = 2.7;
/** The latency bound is not applied in the first second after a stream (re)start: the first packets set the baseline. */
const AFTER_RESET_FRAMES = SAMPLE_RATE;
const FRAMES_PER_HOUR = 3600 * SAMPLE_RATE;

export interface SoakOptions {
  /** Hours of audio (default 24). */
  hours?: number;
  seed?: number;
  profile?: ProfileName;
  /** Minutes between SSRC changes; undefined: 20–60 at random; 0: never. */
  ssrcEveryMinutes?: number;
  /** Called every simulated hour with the summary so far. */
  onProgress?: (summary: SoakSummary) => void;
  /** Counters to start from, by stat name: checks exactness past 2^32 without running for days. */
  preload?: Partial<Record<StatName, number>>;
}

/** Where and how the soak first failed. */
export interface SoakFailure {
  hour: number;
  quantum: number;
  frame: number;
  what: string;
}

export interface SoakSummary {
  hoursOfAudio: number;
  seed: number;
  profile: ProfileName;
  wallSeconds: number;
  packetsInserted: number;
  quanta: number;
  insertResults: Record<InsertResult, number>;
  network: NetworkTally & { driftPpm: string };
  memory: { atCreate: number; afterWarmUp: number; atEnd: number };
  worstCurrentDelayMs: number;
  worstExcessOverBoundMs: number;
  latencyExceedances: { count: number; first: { hour: number; quantum: number; currentDelayMs: number; boundMs: number } | null };
  worstBufferedMs: number;
  counters: Record<StatName, number>;
}

export interface SoakResult extends SoakSummary {
  realtimeFactor: number;
  expectedCounters: Partial<Record<StatName, number>>;
  failure: SoakFailure | null;
}

/** Runs the soak; `failure` is null when every invariant held. */
export function runSoak({ hours = 24, seed = 1, profile = 'l4s', ssrcEveryMinutes, onProgress = () => {}, preload = {} }: SoakOptions = {}): SoakResult {
  const S = STAT_INDEX;
  const names = Object.keys(S) as StatName[];
  const module = loadEngineModule('release');
  const engine = module.createEngine({ codec: 'PCM16LE', profile });
  const memory = module.exports.memory;
  for (const [name, value] of Object.entries(preload)) engine.statsView[S[name as StatName]] = value!;
  const base = Object.fromEntries(names.map((name) => [name, engine.statsView[S[name]]])) as Record<StatName, number>;
  const network = new HostileNetwork(seed, ssrcEveryMinutes);
  const results: Record<InsertResult, number> = { ok: 0, duplicate: 0, late: 0, resync: 0, overflow: 0, invalid: 0 };
  let inserted = 0;
  const loop = new FeedLoop(engine, network, (_packet, result) => {
    results[result]++;
    inserted++;
  });
  const endFrame = Math.round(hours * FRAMES_PER_HOUR);
  const boundMs = BUILT_IN_PROFILES[profile].ceilingMs + PACKET_MS + QUANTUM_SLACK_MS;
  let quanta = 0;
  let warmBytes = -1;
  const firstBytes = memory.buffer.byteLength;
  let resets = base.streamResets;
  let lastResetFrame = 0;
  let worstDelayMs = 0;
  let worstBufferedMs = 0;
  let worstExcessMs = -Infinity;
  /** Quanta whose currentDelayMs exceeded the bound, and the first of them. */
  const latency: SoakSummary['latencyExceedances'] = { count: 0, first: null };
  let failure: SoakFailure | null = null;
  const started = performance.now();
  const fail = (what: string) => {
    failure = { hour: loop.nowFrames / FRAMES_PER_HOUR, quantum: quanta, frame: loop.nowFrames, what };
  };
  let nextProgress = FRAMES_PER_HOUR;

  const summary = (): SoakSummary => {
    const stats = engine.refreshStats();
    return {
      hoursOfAudio: loop.nowFrames / FRAMES_PER_HOUR,
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
      counters: Object.fromEntries(names.map((name) => [name, stats[S[name]]])) as Record<StatName, number>,
    };
  };

  try {
    while (loop.nowFrames < endFrame) {
      const frame = loop.nowFrames;
      const out = loop.step(QUANTUM_FRAMES)[0];
      for (let i = 0; i < QUANTUM_FRAMES; i++) {
        const v = out[i];
        if (!(v >= -1 && v <= 1)) {
          fail(`output sample ${v} at frame ${frame + i} is not finite within [-1, 1]`);
          break;
        }
      }
      if (failure) break;
      quanta++;
      const now = loop.nowFrames;
      const bytes = memory.buffer.byteLength;
      if (warmBytes < 0) {
        if (now >= WARM_UP_FRAMES) warmBytes = bytes;
      } else if (bytes !== warmBytes) {
        fail(`WASM memory changed from ${warmBytes} to ${bytes} bytes after warm-up`);
        break;
      }
      const stats = engine.refreshStats();
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
          if (latency.first === null) latency.first = { hour: now / FRAMES_PER_HOUR, quantum: quanta, currentDelayMs: delay, boundMs };
        }
      }
      if (now >= nextProgress) {
        nextProgress += FRAMES_PER_HOUR;
        onProgress(summary());
      }
    }
  } catch (error) {
    fail(`exception: ${(error as Error)?.stack ?? error}`);
  }

  const end = summary();
  // Exactness: the engine's f64 counters against what this side counted itself.
  const expected: Partial<Record<StatName, number>> = {
    nowFrames: base.nowFrames + quanta * QUANTUM_FRAMES,
    packetsReceived: base.packetsReceived + inserted - results.invalid,
    packetsDuplicated: base.packetsDuplicated + results.duplicate,
    packetsOverflow: base.packetsOverflow + results.overflow,
    packetsInvalid: base.packetsInvalid + results.invalid,
    streamResets: base.streamResets + results.resync,
  };
  const c = end.counters;
  const mismatches: string[] = [];
  for (const [name, value] of Object.entries(expected)) {
    if (c[name as StatName] !== value) mismatches.push(`${name} ${c[name as StatName]} ≠ ${value} counted here`);
  }
  // Late packets: at least those insert() refused as late; the rest were passed over by concealment.
  if (!(c.packetsLate >= base.packetsLate + results.late)) mismatches.push(`packetsLate ${c.packetsLate} < ${results.late} refused as late`);
  const integers: StatName[] = ['packetsReceived', 'packetsDiscarded', 'packetsDuplicated', 'packetsLate', 'packetsOverflow', 'packetsInvalid', 'packetsPlayed', 'totalSamplesReceived', 'totalSamplesEmitted', 'concealedSamples', 'silentConcealedSamples', 'concealmentEvents', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration', 'jitterBufferEmittedCount', 'streamResets', 'decoderErrors', 'nowFrames'];
  for (const name of integers) if (!Number.isSafeInteger(c[name])) mismatches.push(`${name} ${c[name]} is not an exact integer`);
  const emitted = c.totalSamplesEmitted - base.totalSamplesEmitted;
  if (emitted > quanta * QUANTUM_FRAMES) mismatches.push(`totalSamplesEmitted grew by ${emitted}, more than the ${quanta * QUANTUM_FRAMES} frames pulled`);
  if (!failure && mismatches.length > 0) fail(`counters: ${mismatches.join('; ')}`);
  if (!failure && latency.count > 0) {
    const f = latency.first!;
    fail(`currentDelayMs above the ${profile} ceiling + one packet + one quantum (${boundMs} ms) in ${latency.count} quanta, worst by ${worstExcessMs.toFixed(2)} ms; first at ${f.hour.toFixed(4)} h (quantum ${f.quantum}): ${f.currentDelayMs.toFixed(2)} ms`);
  }
  engine.destroy();
  return { ...end, realtimeFactor: (end.hoursOfAudio * 3600) / end.wallSeconds, expectedCounters: expected, failure };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function main(): void {
  const hours = Number(option('hours') ?? '24');
  const seed = Number(option('seed') ?? '1');
  const profile = (option('profile') ?? 'l4s') as ProfileName;
  const ssrcOption = option('ssrc-every-minutes');
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
    onProgress: (s) => console.log(`  ${s.hoursOfAudio.toFixed(0)} h: ${s.packetsInserted} packets, ${s.quanta} quanta, ${s.wallSeconds.toFixed(0)} s wall, worst delay ${s.worstCurrentDelayMs.toFixed(1)} ms`),
  });
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`audio ${result.hoursOfAudio.toFixed(3)} h in ${result.wallSeconds.toFixed(1)} s wall (${result.realtimeFactor.toFixed(0)} × realtime)`);
    console.log(`packets inserted ${result.packetsInserted} (${JSON.stringify(result.insertResults)}), quanta ${result.quanta}`);
    console.log(`network ${JSON.stringify(result.network)}`);
    console.log(`memory ${JSON.stringify(result.memory)}; worst currentDelayMs ${result.worstCurrentDelayMs.toFixed(2)} (bound ${result.worstExcessOverBoundMs <= 0 ? '−' : '+'} ${Math.abs(result.worstExcessOverBoundMs).toFixed(2)}), worst bufferedMs ${result.worstBufferedMs.toFixed(2)}`);
    console.log(`counters ${JSON.stringify(result.counters)}`);
  }
  if (result.failure) {
    console.log(`FAILED at ${result.failure.hour.toFixed(4)} h (quantum ${result.failure.quantum}): ${result.failure.what}`);
    process.exit(1);
  }
  console.log('soak: every invariant held');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
