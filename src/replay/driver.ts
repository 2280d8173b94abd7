// The replay driver: feeds a trace's packets to an engine on the audio clock,
// exactly as the AudioWorklet does — before each 128-frame quantum, every
// packet whose arrival time has passed is inserted (with its exact arrival
// frame), then the quantum is pulled — and records what became of each packet.

import { createHash } from 'node:crypto';
import type { Engine, EngineModule, ProfileName, ProfileRecord } from '../engine.js';
import { loadEngineModule } from '../engine_node.js';
import { sequenceDelta, timestampDelta } from '../trace/rtp_arithmetic.js';
import type { Trace, TracePacket } from '../trace/types.js';
import { replacementPayload } from './replacement_audio.js';
import type { EngineStats, OperationEvent, OperationKind, PacketRecord, ReplayResult, TimelinePoint } from './types.js';

/** Where the audio of a replay comes from. */
export type AudioSource = 'auto' | 'payload' | 'replacement';

/** A profile change at a point of the output clock. */
export interface ProfileChange {
  timeMs: number;
  profile: ProfileName | ProfileRecord;
}

export interface ReplayOptions {
  profile?: ProfileName | ProfileRecord;
  /** 'auto' (default): decode G.711 payloads when the capture holds them, else replacement speech. */
  audio?: AudioSource;
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

const SAMPLE_RATE = 48000;
/** After the last arrival, play on until the buffer is empty, at most this long. */
const TAIL_LIMIT_MS = 3000;

/** One packet of the trace with its unwrapped fields, in arrival order. */
interface ReplayPacket {
  packet: TracePacket;
  seq: number;
  ts: number;
  arrivalFrame: number;
}

/** Unwraps sequence numbers and timestamps in arrival order (the anchor moves only forward, as in the engine). */
function unwrapPackets(packets: TracePacket[]): ReplayPacket[] {
  const ordered = packets.map((packet, index) => ({ packet, index })).sort((a, b) => a.packet.arrivalUs - b.packet.arrivalUs || a.index - b.index);
  const out: ReplayPacket[] = [];
  let lastSeq = 0;
  let lastSeqU = 0;
  let lastTs = 0;
  let lastTsU = 0;
  for (const { packet } of ordered) {
    let seq: number;
    let ts: number;
    if (out.length === 0) {
      seq = 0;
      ts = 0;
    } else {
      seq = lastSeqU + sequenceDelta(lastSeq, packet.seq);
      ts = lastTsU + timestampDelta(lastTs, packet.timestamp);
    }
    if (out.length === 0 || seq > lastSeqU) {
      lastSeq = packet.seq;
      lastSeqU = seq;
    }
    if (out.length === 0 || ts > lastTsU) {
      lastTs = packet.timestamp;
      lastTsU = ts;
    }
    out.push({ packet, seq, ts, arrivalFrame: (packet.arrivalUs * SAMPLE_RATE) / 1e6 });
  }
  return out;
}

/** Median timestamp step between consecutive sequence numbers: the packet duration in clock ticks. */
function typicalStep(packets: ReplayPacket[], fallback: number): number {
  const bySeq = [...packets].sort((a, b) => a.seq - b.seq);
  const steps: number[] = [];
  for (let i = 1; i < bySeq.length; i++) {
    if (bySeq[i].seq === bySeq[i - 1].seq + 1) {
      const step = bySeq[i].ts - bySeq[i - 1].ts;
      if (step > 0) steps.push(step);
    }
  }
  if (steps.length === 0) return fallback;
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1];
}

/** Whether the trace's own payloads can be played: G.711 captured whole. */
function payloadCodec(trace: Trace): 'PCMU' | 'PCMA' | null {
  const codec = trace.payloadType === 0 ? 'PCMU' : trace.payloadType === 8 ? 'PCMA' : null;
  if (!codec || trace.clockRate !== 8000) return null;
  return trace.packets.every((p) => p.payload !== null && p.payload.length > 0) ? codec : null;
}

const EVENT_TO_OPERATION: Partial<Record<string, OperationKind>> = {
  expand: 'expand', merge: 'merge', accelerate: 'accelerate', 'accelerate-fast': 'accelerate-fast',
  'preemptive-expand': 'preemptive-expand', dtx: 'dtx', reset: 'reset',
};

function profileLabel(profile: ProfileName | ProfileRecord): string {
  return typeof profile === 'string' ? profile : `custom(${profile.floorMs}-${profile.ceilingMs} ms)`;
}

/** Replays a trace through a fresh engine and returns everything METRICS.md needs. */
export function replay(trace: Trace, options: ReplayOptions = {}): ReplayOutput {
  const started = performance.now();
  const quantum = options.quantum ?? 128;
  const profile = options.profile ?? 'classic';
  const audio = options.audio ?? 'auto';
  const packets = unwrapPackets(trace.packets);
  if (packets.length === 0) throw new Error(`${trace.path}: no packets to replay`);

  const own = payloadCodec(trace);
  if (audio === 'payload' && !own) throw new Error(`${trace.path}: payloads are not decodable here (need G.711 captured whole); use --audio replacement`);
  const usePayload = audio !== 'replacement' && own !== null;
  const framesPerTick = SAMPLE_RATE / trace.clockRate;
  const stepTicks = typicalStep(packets, trace.clockRate / 50);
  const packetFrames = Math.max(1, Math.round(stepTicks * framesPerTick));

  const module = options.module ?? loadEngineModule();
  const engine: Engine = module.createEngine({
    codec: usePayload ? own! : 'PCM16LE',
    clockRate: trace.clockRate,
    payloadRate: usePayload ? 8000 : SAMPLE_RATE,
    profile,
    slotBytes: Math.max(2048, usePayload ? 2048 : packetFrames * 2),
    eventLog: true,
  });

  const records = new Map<number, PacketRecord>();
  let duplicates = 0;
  let firstSeq = Infinity;
  let lastSeq = -Infinity;
  for (const p of packets) {
    firstSeq = Math.min(firstSeq, p.seq);
    lastSeq = Math.max(lastSeq, p.seq);
  }
  const clockMs = 1000 / trace.clockRate;
  const ts0 = Math.min(...packets.map((p) => p.ts));

  const hash = createHash('sha256');
  const keep: Float32Array[] = [];
  const interleaved = new Float32Array(quantum * engine.channels);
  const timeline: TimelinePoint[] = [];
  const events: OperationEvent[] = [];
  const profileChanges: { timeMs: number; profile: string }[] = [];
  const changes = [...(options.profileChanges ?? [])].sort((a, b) => a.timeMs - b.timeMs);
  let changeIndex = 0;
  let activeProfile = profileLabel(profile);
  let activeSinceMs = 0;
  const timeInProfileMs: Record<string, number> = {};
  const controller = options.controller;
  let nextControlMs = 0;
  const timelineStep = Math.max(1, Math.round(((options.timelineStepMs ?? 10) * SAMPLE_RATE) / 1000 / quantum));
  // The engine numbers sequence numbers from 65536 at its first packet (see assembly/wrap.ts).
  const engineSeqOffset = 65536 - packets[0].seq;

  const lastArrival = packets[packets.length - 1].arrivalFrame;
  const endLimit = lastArrival + (TAIL_LIMIT_MS * SAMPLE_RATE) / 1000;
  let next = 0;
  let now = 0;
  let quanta = 0;
  let tailDone = false;
  while (!tailDone) {
    const nowMs = (now * 1000) / SAMPLE_RATE;
    const applyProfile = (next: ProfileName | ProfileRecord) => {
      const label = profileLabel(next);
      timeInProfileMs[activeProfile] = (timeInProfileMs[activeProfile] ?? 0) + nowMs - activeSinceMs;
      activeSinceMs = nowMs;
      engine.setProfile(next);
      activeProfile = label;
      profileChanges.push({ timeMs: nowMs, profile: label });
    };
    while (changeIndex < changes.length && changes[changeIndex].timeMs <= nowMs) applyProfile(changes[changeIndex++].profile);
    if (controller && nowMs >= nextControlMs) {
      nextControlMs += controller.intervalMs;
      const next = controller.decide(nowMs, engine.stats());
      if (next !== null && next !== activeProfile) applyProfile(next);
    }
    while (next < packets.length && packets[next].arrivalFrame <= now) {
      const p = packets[next++];
      const known = records.get(p.seq);
      if (known) {
        duplicates++;
      } else {
        records.set(p.seq, {
          seq: p.seq,
          sendMs: (p.ts - ts0) * clockMs,
          arrivalMs: p.packet.arrivalUs / 1000,
          playMs: null,
          fate: 'buffered',
          ecn: p.packet.ecn,
        });
      }
      const payload = usePayload ? p.packet.payload! : replacementPayload((p.ts - ts0) * framesPerTick, packetFrames);
      const result = engine.insert(payload, { sequenceNumber: p.packet.seq, timestamp: p.packet.timestamp, arrivalFrame: p.arrivalFrame });
      if (result === 'invalid' && !known) records.get(p.seq)!.fate = 'invalid';
    }
    const out = engine.pull(quantum);
    for (let i = 0, c = engine.channels; i < quantum; i++) {
      for (let ch = 0; ch < c; ch++) interleaved[i * c + ch] = out[ch][i];
    }
    hash.update(new Uint8Array(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength));
    if (options.keepOutput) keep.push(interleaved.slice());
    for (const e of engine.drainEvents()) {
      const seq = e.a - engineSeqOffset;
      if (e.kind === 'played' || e.kind === 'late' || e.kind === 'dropped' || e.kind === 'overflow') {
        const record = records.get(seq);
        if (!record) continue;
        if (e.kind === 'played') {
          record.fate = 'played';
          record.playMs = (e.frame * 1000) / SAMPLE_RATE;
        } else {
          record.fate = e.kind;
        }
        continue;
      }
      const kind = EVENT_TO_OPERATION[e.kind];
      if (!kind) continue;
      const frames = kind === 'accelerate' || kind === 'accelerate-fast' ? -e.a : kind === 'reset' ? 0 : e.a;
      events.push({ timeMs: (e.frame * 1000) / SAMPLE_RATE, kind, frames });
    }
    now += quantum;
    quanta++;
    if (quanta % timelineStep === 0) {
      const s = engine.statsView;
      timeline.push({ timeMs: (now * 1000) / SAMPLE_RATE, bufferMs: s[27], targetMs: s[25], delayMs: s[26], profile: activeProfile });
    }
    if (options.onProgress && quanta % 4096 === 0) options.onProgress(Math.min(1, now / endLimit));
    if (next >= packets.length) {
      const s = engine.statsView;
      tailDone = (s[28] === 0 && s[27] * (SAMPLE_RATE / 1000) < quantum) || now >= endLimit;
    }
  }
  const stats = engine.stats();
  engine.destroy();
  timeInProfileMs[activeProfile] = (timeInProfileMs[activeProfile] ?? 0) + (now * 1000) / SAMPLE_RATE - activeSinceMs;

  const recordList = [...records.values()].sort((a, b) => a.seq - b.seq);
  let output: Float32Array | undefined;
  if (options.keepOutput) {
    output = new Float32Array(keep.length * quantum * stats.packetsPlayed > 0 ? keep.length * interleaved.length : 0);
    keep.forEach((chunk, i) => output!.set(chunk, i * chunk.length));
  }
  return {
    traceName: trace.name,
    profile: profileLabel(profile),
    sampleRate: SAMPLE_RATE,
    channels: 1,
    packets: lastSeq - firstSeq + 1,
    duplicates,
    records: recordList,
    stats,
    timeline,
    events,
    profileChanges,
    outputSha256: hash.digest('hex'),
    audioSeconds: now / SAMPLE_RATE,
    wallSeconds: (performance.now() - started) / 1000,
    packetMs: (packetFrames * 1000) / SAMPLE_RATE,
    timeInProfileMs,
    output,
  };
}
