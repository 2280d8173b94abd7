// The replay driver: feeds a trace's packets to an engine on the audio clock,
// exactly as the AudioWorklet does — before each 128-frame quantum, every
// packet whose arrival time has passed is inserted (with its exact arrival
// frame), then the quantum is pulled — and records what became of each packet.

import { createHash } from 'node:crypto';
import { STAT_INDEX, type Engine, type EngineModule, type ProfileName, type ProfileRecord } from '../engine/index.js';
import { replayStopsHere } from './stopping.js';
import { loadEngineModule, sharedLibOpus } from '../engine/node_loader.js';
import type { Trace } from '../trace/types.js';
import { payloadOf, prepareReplay, ReplayRecorder, SAMPLE_RATE, type AudioSource, type ReplacementCodec } from './prepared.js';
import type { EngineStats, ReplayResult, TimelinePoint } from './types.js';

export type { AudioSource } from './prepared.js';

/** Quanta of output hashed at once. */
const HASH_BLOCK_QUANTA = 64;
/** Quanta between event drains: a few hundred events at most, far below the log's 4096. */
const EVENT_DRAIN_QUANTA = 16;

/** A profile change at a point of the output clock. */
export interface ProfileChange {
  timeMs: number;
  profile: ProfileName | ProfileRecord;
}

export interface ReplayOptions {
  profile?: ProfileName | ProfileRecord;
  /** 'auto' (default): decode G.711 payloads when the capture holds them, else replacement speech. */
  audio?: AudioSource;
  /** What the replacement audio is: 'opus' (default, with in-band FEC as WebRTC sends it), 'opus-nofec' or 'pcm'. */
  replacement?: ReplacementCodec;
  /** Frames per pull; 128 as in an AudioWorklet. */
  quantum?: number;
  /** Profile changes during the replay (ECN decisions, tests). */
  profileChanges?: ProfileChange[];
  /** Keep the output PCM (for output.wav). */
  keepOutput?: boolean;
  /** Timeline points every this many ms of output. Default 10. */
  timelineStepMs?: number;
  /** Called now and then with the share done (0..1). */
  onProgress?: (done: number) => void;
  /** Engine module to use (default: a fresh release instance). */
  module?: EngineModule;
  /** Decides profile changes as the replay runs (the ECN monitor for --profile auto). */
  controller?: ReplayController;
}

/** A profile decision made on the replay clock, every `intervalMs`, from the engine's stats. */
export interface ReplayController {
  intervalMs: number;
  decide(nowMs: number, stats: EngineStats): ProfileName | null;
}

export interface ReplayOutput extends ReplayResult {
  /** Interleaved output when keepOutput was set. */
  output?: Float32Array;
}

/** The name a profile goes by in results. */
export function profileLabel(profile: ProfileName | ProfileRecord): string {
  return typeof profile === 'string' ? profile : `custom(${profile.floorMs}-${profile.ceilingMs} ms)`;
}

/** Timeline points every this many quanta (a point per `stepMs` of output). */
export function timelineEveryQuanta(stepMs: number, quantum: number): number {
  return Math.max(1, Math.round((stepMs * SAMPLE_RATE) / 1000 / quantum));
}

/** Replays a trace through a fresh engine and returns everything METRICS.md needs. */
export function replay(trace: Trace, options: ReplayOptions = {}): ReplayOutput {
  const started = performance.now();
  const quantum = options.quantum ?? 128;
  const profile = options.profile ?? 'classic';
  const prepared = prepareReplay(trace, options.audio ?? 'auto', options.replacement ?? 'opus');
  const packets = prepared.packets;
  const recorder = new ReplayRecorder(prepared);

  const module = options.module ?? loadEngineModule();
  const engine: Engine = module.createEngine({
    codec: prepared.codec,
    opus: prepared.codec === 'opus' ? sharedLibOpus() : undefined,
    clockRate: prepared.clockRate,
    payloadRate: prepared.payloadRate,
    profile,
    slotBytes: prepared.slotBytes,
    eventLog: true,
  });

  const hash = createHash('sha256');
  const keep: Float32Array[] = [];
  // Output is hashed (and kept) in blocks of quanta: one hash update per quantum cost more than the engine.
  const block = new Float32Array(HASH_BLOCK_QUANTA * quantum * engine.channels);
  let blockFill = 0;
  const flushBlock = () => {
    const filled = block.subarray(0, blockFill);
    hash.update(new Uint8Array(filled.buffer, filled.byteOffset, filled.byteLength));
    if (options.keepOutput) keep.push(filled.slice());
    blockFill = 0;
  };
  const timeline: TimelinePoint[] = [];
  const profileChanges: { timeMs: number; profile: string }[] = [];
  const changes = [...(options.profileChanges ?? [])].sort((a, b) => a.timeMs - b.timeMs);
  let changeIndex = 0;
  let activeProfile = profileLabel(profile);
  let activeSinceMs = 0;
  const timeInProfileMs: Record<string, number> = {};
  const controller = options.controller;
  let nextControlMs = 0;
  const timelineStep = timelineEveryQuanta(options.timelineStepMs ?? 10, quantum);

  const endLimit = prepared.endLimitFrames;
  let next = 0;
  let now = 0;
  let quanta = 0;
  let tailDone = false;
  const applyProfile = (change: ProfileName | ProfileRecord, nowMs: number) => {
    const label = profileLabel(change);
    timeInProfileMs[activeProfile] = (timeInProfileMs[activeProfile] ?? 0) + nowMs - activeSinceMs;
    activeSinceMs = nowMs;
    engine.setProfile(change);
    activeProfile = label;
    profileChanges.push({ timeMs: nowMs, profile: label });
  };
  while (!tailDone) {
    const nowMs = (now * 1000) / SAMPLE_RATE;
    while (changeIndex < changes.length && changes[changeIndex].timeMs <= nowMs) applyProfile(changes[changeIndex++].profile, nowMs);
    if (controller && nowMs >= nextControlMs) {
      nextControlMs += controller.intervalMs;
      const decided = controller.decide(nowMs, engine.stats());
      if (decided !== null && decided !== activeProfile) applyProfile(decided, nowMs);
    }
    while (next < packets.length && packets[next].arrivalFrame <= now) {
      const p = packets[next++];
      const first = recorder.arrived(p);
      const result = engine.insert(payloadOf(prepared, p), { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, arrivalFrame: p.arrivalFrame });
      if (result === 'invalid' && first) recorder.invalid(p);
    }
    const out = engine.pull(quantum);
    const c = engine.channels;
    if (c === 1) block.set(out[0].subarray(0, quantum), blockFill);
    else for (let i = 0; i < quantum; i++) for (let ch = 0; ch < c; ch++) block[blockFill + i * c + ch] = out[ch][i];
    blockFill += quantum * c;
    if (blockFill === block.length) flushBlock();
    now += quantum;
    quanta++;
    // Events are drained every few quanta (the log holds thousands), and before anything reads them.
    if (quanta % EVENT_DRAIN_QUANTA === 0) recorder.apply(engine.drainEvents());
    const s = engine.statsView;
    if (quanta % timelineStep === 0) {
      timeline.push({ timeMs: (now * 1000) / SAMPLE_RATE, bufferMs: s[STAT_INDEX.bufferedMs], targetMs: s[STAT_INDEX.targetDelayMs], delayMs: s[STAT_INDEX.currentDelayMs], profile: activeProfile });
    }
    if (options.onProgress && quanta % 4096 === 0) options.onProgress(Math.min(1, now / endLimit));
    tailDone = replayStopsHere(s, next >= packets.length, quantum, endLimit, SAMPLE_RATE);
  }
  flushBlock();
  recorder.apply(engine.drainEvents());
  const stats = engine.stats();
  engine.destroy();
  timeInProfileMs[activeProfile] = (timeInProfileMs[activeProfile] ?? 0) + (now * 1000) / SAMPLE_RATE - activeSinceMs;

  let output: Float32Array | undefined;
  if (options.keepOutput) {
    output = new Float32Array(keep.reduce((n, chunk) => n + chunk.length, 0));
    let at = 0;
    for (const chunk of keep) {
      output.set(chunk, at);
      at += chunk.length;
    }
  }
  const result = recorder.result({
    profile: profileLabel(profile),
    stats,
    timeline,
    profileChanges,
    outputSha256: hash.digest('hex'),
    audioSeconds: now / SAMPLE_RATE,
    wallSeconds: (performance.now() - started) / 1000,
    timeInProfileMs,
  });
  return { ...result, output };
}
