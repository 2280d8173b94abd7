// What a replay feeds the engine, worked out once from a trace (the same for
// the Node driver and the worklet replay): packets in arrival order with
// unwrapped fields, the codec, and where each payload comes from; and the
// recorder that turns the engine's events back into per-packet records.

import { SAMPLE_RATE } from '../engine/contract.js';
import type { CodecName, EngineEvent } from '../engine/index.js';
import { sequenceDelta, timestampDelta } from '../trace/rtp_arithmetic.js';
import type { Trace, TracePacket } from '../trace/types.js';
import { opusFitsPacket, opusReplacementPayload, type ReplacementCodec } from './opus_replacement.js';
import { replacementPayload } from './replacement_audio.js';
import type { EngineStats, OperationEvent, OperationKind, PacketRecord, ReplayResult, TimelinePoint } from './types.js';

/** Where the audio of a replay comes from. */
export type AudioSource = 'auto' | 'payload' | 'replacement';
export type { ReplacementCodec } from './opus_replacement.js';

/** The engine's output rate (assembly/abi.ts). */
export { SAMPLE_RATE };
/** After the last arrival, play on until the buffer is empty, at most this long. */
export const TAIL_LIMIT_MS = 3000;

/** One packet as the replay inserts it. */
export interface PreparedPacket {
  /** Unwrapped sequence number (0 for the first packet in arrival order). */
  seq: number;
  /** RTP fields as captured. */
  sequenceNumber: number;
  timestamp: number;
  /** Arrival on the output clock, frames (exact, maybe fractional). */
  arrivalFrame: number;
  arrivalMs: number;
  sendMs: number;
  ecn: number;
  /** The captured payload, or null when the replacement audio stands in. */
  payload: Uint8Array | null;
  /** Replacement audio: first frame of the speech sample this packet carries. */
  replacementStart: number;
}

export interface PreparedReplay {
  traceName: string;
  codec: CodecName;
  clockRate: number;
  payloadRate: number;
  slotBytes: number;
  /** Frames each replacement payload carries (the typical packet duration). */
  packetFrames: number;
  /** The replacement's codec: Opus with or without in-band FEC, or PCM (also where Opus cannot fit the packet duration). */
  replacement: ReplacementCodec;
  packets: PreparedPacket[];
  /** Distinct sequence numbers in the trace's range. */
  packetRange: number;
  /** Stop at this output frame at the latest. */
  endLimitFrames: number;
}

/** Whether the trace's own payloads can be played: G.711 captured whole. */
function payloadCodec(trace: Trace): 'PCMU' | 'PCMA' | null {
  const codec = trace.payloadType === 0 ? 'PCMU' : trace.payloadType === 8 ? 'PCMA' : null;
  if (!codec || trace.clockRate !== 8000) return null;
  return trace.packets.every((p) => p.payload !== null && p.payload.length > 0) ? codec : null;
}

/** Packets in arrival order with sequence numbers and timestamps unwrapped (the anchor moves only forward, as in the engine). */
function unwrapInArrivalOrder(packets: TracePacket[]): { packet: TracePacket; seq: number; ts: number }[] {
  const ordered = packets.map((packet, index) => ({ packet, index })).sort((a, b) => a.packet.arrivalUs - b.packet.arrivalUs || a.index - b.index);
  const out: { packet: TracePacket; seq: number; ts: number }[] = [];
  let lastSeq = 0;
  let lastSeqU = 0;
  let lastTs = 0;
  let lastTsU = 0;
  for (const { packet } of ordered) {
    const first = out.length === 0;
    const seq = first ? 0 : lastSeqU + sequenceDelta(lastSeq, packet.seq);
    const ts = first ? 0 : lastTsU + timestampDelta(lastTs, packet.timestamp);
    if (first || seq > lastSeqU) {
      lastSeq = packet.seq;
      lastSeqU = seq;
    }
    if (first || ts > lastTsU) {
      lastTs = packet.timestamp;
      lastTsU = ts;
    }
    out.push({ packet, seq, ts });
  }
  return out;
}

/** Median timestamp step between consecutive sequence numbers: the packet duration in clock ticks. */
function typicalStep(packets: { seq: number; ts: number }[], fallback: number): number {
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

/** Works out what a replay of `trace` inserts. */
export function prepareReplay(trace: Trace, audio: AudioSource = 'auto', replacementCodec: ReplacementCodec = 'opus'): PreparedReplay {
  const unwrapped = unwrapInArrivalOrder(trace.packets);
  if (unwrapped.length === 0) throw new Error(`${trace.path}: no packets to replay`);
  const own = payloadCodec(trace);
  if (audio === 'payload' && !own) throw new Error(`${trace.path}: payloads are not decodable here (need G.711 captured whole); use --audio replacement`);
  const usePayload = audio !== 'replacement' && own !== null;
  const framesPerTick = SAMPLE_RATE / trace.clockRate;
  const packetFrames = Math.max(1, Math.round(typicalStep(unwrapped, trace.clockRate / 50) * framesPerTick));
  const ts0 = Math.min(...unwrapped.map((p) => p.ts));
  let firstSeq = Infinity;
  let lastSeq = -Infinity;
  const packets = unwrapped.map(({ packet, seq, ts }): PreparedPacket => {
    firstSeq = Math.min(firstSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
    return {
      seq,
      sequenceNumber: packet.seq,
      timestamp: packet.timestamp,
      arrivalFrame: (packet.arrivalUs * SAMPLE_RATE) / 1e6,
      arrivalMs: packet.arrivalUs / 1000,
      sendMs: ((ts - ts0) * 1000) / trace.clockRate,
      ecn: packet.ecn,
      payload: usePayload ? packet.payload : null,
      replacementStart: (ts - ts0) * framesPerTick,
    };
  });
  const replacement = replacementCodec !== 'pcm' && !opusFitsPacket(packetFrames) ? 'pcm' : replacementCodec;
  return {
    traceName: trace.name,
    codec: usePayload ? own! : replacement === 'pcm' ? 'PCM16LE' : 'opus',
    clockRate: trace.clockRate,
    payloadRate: usePayload ? 8000 : SAMPLE_RATE,
    slotBytes: Math.max(2048, usePayload || replacement !== 'pcm' ? 2048 : packetFrames * 2),
    packetFrames,
    replacement,
    packets,
    packetRange: lastSeq - firstSeq + 1,
    endLimitFrames: packets[packets.length - 1].arrivalFrame + (TAIL_LIMIT_MS * SAMPLE_RATE) / 1000,
  };
}

/** The bytes a prepared packet carries. */
export function payloadOf(prepared: PreparedReplay, p: PreparedPacket): Uint8Array {
  if (p.payload) return p.payload;
  if (prepared.replacement === 'pcm') return replacementPayload(p.replacementStart, prepared.packetFrames);
  return opusReplacementPayload(p.replacementStart, prepared.packetFrames, prepared.replacement === 'opus');
}

const EVENT_TO_OPERATION: Partial<Record<string, OperationKind>> = {
  expand: 'expand', merge: 'merge', accelerate: 'accelerate', 'accelerate-fast': 'accelerate-fast',
  'preemptive-expand': 'preemptive-expand', dtx: 'dtx', reset: 'reset', fec: 'fec',
};

/** Collects what became of each packet from the insertions and the engine's events. */
export class ReplayRecorder {
  private readonly prepared: PreparedReplay;
  private readonly records = new Map<number, PacketRecord>();
  private duplicates = 0;
  readonly operations: OperationEvent[] = [];
  /** The engine numbers sequence numbers from 65536 at its first packet (see assembly/wrap.ts). */
  private readonly engineSeqOffset: number;

  constructor(prepared: PreparedReplay) {
    this.prepared = prepared;
    this.engineSeqOffset = 65536 - prepared.packets[0].seq;
  }

  /** A packet reached the engine; false when its sequence number had arrived before. */
  arrived(p: PreparedPacket): boolean {
    if (this.records.has(p.seq)) {
      this.duplicates++;
      return false;
    }
    this.records.set(p.seq, { seq: p.seq, sendMs: p.sendMs, arrivalMs: p.arrivalMs, playMs: null, fate: 'buffered', ecn: p.ecn });
    return true;
  }

  /** The engine refused a first arrival as invalid. */
  invalid(p: PreparedPacket): void {
    const record = this.records.get(p.seq);
    if (record) record.fate = 'invalid';
  }

  /** Applies the engine's events: packet fates and play times, and the operations for the timeline. */
  apply(events: EngineEvent[]): void {
    for (const e of events) {
      if (e.kind === 'played' || e.kind === 'late' || e.kind === 'overflow') {
        const record = this.records.get(e.a - this.engineSeqOffset);
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
      const frames = kind === 'accelerate' || kind === 'accelerate-fast' ? -e.a : kind === 'reset' ? 0 : kind === 'fec' ? e.b : e.a;
      this.operations.push({ timeMs: (e.frame * 1000) / SAMPLE_RATE, kind, frames });
    }
  }

  /** The replay result around the records. */
  result(fields: {
    profile: string;
    stats: EngineStats;
    timeline: TimelinePoint[];
    profileChanges: { timeMs: number; profile: string }[];
    outputSha256: string;
    audioSeconds: number;
    wallSeconds: number;
    timeInProfileMs?: Record<string, number>;
  }): ReplayResult {
    return {
      traceName: this.prepared.traceName,
      sampleRate: SAMPLE_RATE,
      channels: 1,
      packets: this.prepared.packetRange,
      duplicates: this.duplicates,
      records: [...this.records.values()].sort((a, b) => a.seq - b.seq),
      events: this.operations,
      packetMs: (this.prepared.packetFrames * 1000) / SAMPLE_RATE,
      ...fields,
    };
  }
}
