// What a replay feeds the engine, worked out once from a trace (the same for
// the Node driver and the worklet replay): packets in arrival order with
// unwrapped fields, the codec, and where each payload comes from; and the
// recorder that turns the engine's events back into per-packet records.

import { QUIET_STRETCH_FLAG, RESTART_REWIND_MS, SAMPLE_RATE } from '../engine/contract.js';
import type { CodecName, EngineEvent } from '../engine/index.js';
import { sequenceDelta, timestampDelta } from '../trace/rtp_arithmetic.js';
import type { Trace, TracePacket } from '../trace/types.js';
import { opusFitsPacket, opusReplacementPayload, type ReplacementCodec } from './opus_replacement.js';
import { parseComfortNoise } from '../rtp/comfort_noise.js';
import { judgePayloads, type PayloadVerdict } from '../rtp/payload_codec.js';
import { payloadRoles } from '../rtp/payload_types.js';
import { l16AsPcm16le48k } from './pcm_payloads.js';
import { replacementPayload } from './replacement_audio.js';
import type { AudioChoice, EngineStats, OperationEvent, OperationKind, PacketRecord, ReplayResult, TimelinePoint } from './types.js';

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
  /** The RTP marker bit. */
  marker: boolean;
  /**
   * What the packet is: the codec's audio; RFC 3389 comfort noise (inserted as
   * such, with its own bytes); an RFC 4733 telephone-event, never inserted (an
   * event, not audio); or a payload type that is neither the stream's codec
   * nor one of those, refused when the payloads are decoded.
   */
  kind: 'audio' | 'comfort-noise' | 'telephone-event' | 'foreign';
  /** The first packet of a restarted stream (same SSRC, sequence and timestamp back, marker): the engine resyncs at it. */
  restart: boolean;
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
  /** What the stream's payloads are and whether they or the replacement play. */
  audio: AudioChoice;
}

/** A packet with its sequence number and timestamp unwrapped along the whole trace, restarts included. */
interface UnwrappedPacket {
  packet: TracePacket;
  seq: number;
  ts: number;
  restart: boolean;
}

/**
 * Packets in arrival order with sequence numbers and timestamps unwrapped (the
 * anchor moves only forward, as in the engine). A restart on the same SSRC
 * (the engine's rule, assembly/engine.ts isRestart: a marker packet whose
 * sequence number and timestamp both went back, the timestamp by more than
 * RESTART_REWIND_MS) starts a new segment numbered on from the highest so far,
 * so its sequence numbers do not collide with the earlier ones, and its
 * timeline continues from the packet that arrived before it, as far on as the
 * arrivals are apart (the sender's clock restarted; the wall clock did not).
 */
function unwrapInArrivalOrder(packets: TracePacket[], clockRate: number): UnwrappedPacket[] {
  const ordered = packets.map((packet, index) => ({ packet, index })).sort((a, b) => a.packet.arrivalUs - b.packet.arrivalUs || a.index - b.index);
  const rewindTicks = (RESTART_REWIND_MS * clockRate) / 1000;
  const out: UnwrappedPacket[] = [];
  let lastSeq = 0;
  let lastSeqU = 0;
  let lastTs = 0;
  let lastTsU = 0;
  for (const { packet } of ordered) {
    const first = out.length === 0;
    let seq = first ? 0 : lastSeqU + sequenceDelta(lastSeq, packet.seq);
    let ts = first ? 0 : lastTsU + timestampDelta(lastTs, packet.timestamp);
    const restart = !first && packet.marker && seq < lastSeqU && ts < lastTsU - rewindTicks;
    if (restart) {
      const previous = out[out.length - 1];
      seq = lastSeqU + 1;
      ts = previous.ts + Math.round(((packet.arrivalUs - previous.packet.arrivalUs) * clockRate) / 1e6);
    }
    if (first || restart || seq > lastSeqU) {
      lastSeq = packet.seq;
      lastSeqU = seq;
    }
    if (first || restart || ts > lastTsU) {
      lastTs = packet.timestamp;
      lastTsU = ts;
    }
    out.push({ packet, seq, ts, restart });
  }
  return out;
}

/**
 * Packets that start a talkspurt in a trace that does not record the marker
 * bit (CSV: arrival_us,seq,timestamp,payload_bytes): a timestamp advance of
 * more than the usual step without a sequence gap, the pause the sender took
 * (what the engine takes as signalled DTX only with the marker: issue #13).
 */
function inferredTalkspurtStarts(unwrapped: readonly UnwrappedPacket[], stepTicks: number): Set<UnwrappedPacket> {
  const bySeq = new Map(unwrapped.map((p) => [p.seq, p]));
  const starts = new Set<UnwrappedPacket>();
  for (const p of unwrapped) {
    const before = bySeq.get(p.seq - 1);
    if (before && p.ts - before.ts > stepTicks) starts.add(p);
  }
  return starts;
}

/** What each packet is to the replay (PreparedPacket.kind), by its payload type's role in the stream. */
function packetKinds(trace: Trace, decodesPayloads: boolean): (packet: TracePacket) => PreparedPacket['kind'] {
  const roles = payloadRoles(trace.packets);
  return (packet) => {
    const role = roles.get(packet.payloadType);
    if (role === 'telephone-event') return 'telephone-event';
    if (role === 'comfort-noise') return packet.payload !== null && parseComfortNoise(packet.payload) !== null ? 'comfort-noise' : 'foreign';
    // Another codec's payloads cannot be decoded as this one; as replacement speech only their timing counts.
    return decodesPayloads && trace.payloadType >= 0 && packet.payloadType !== trace.payloadType ? 'foreign' : 'audio';
  };
}

/** Median timestamp step between consecutive sequence numbers: the packet duration in clock ticks. */
function typicalStep(packets: readonly { seq: number; ts: number }[], fallback: number): number {
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

/** Engine payload rates an L16 stream plays at directly (48 kHz divided by an upsampling factor the engine has). */
const ENGINE_PCM_RATES = [48000, 24000, 16000, 8000];

/** How the trace's own payloads are played: the engine's codec and rates, and the payloads as the engine takes them. */
interface PayloadPlayback {
  codec: CodecName;
  clockRate: number;
  payloadRate: number;
  payloads: Uint8Array[];
}

/** The engine setup and payloads that play the trace's own audio (verdict.playable must be set). */
function payloadPlayback(trace: Trace, verdict: PayloadVerdict, unwrapped: readonly { packet: TracePacket; ts: number }[], ts0: number): PayloadPlayback {
  const { codec, channels } = verdict.playable!;
  const own = unwrapped.map(({ packet }) => packet.payload ?? new Uint8Array(0));
  if (codec === 'PCMU' || codec === 'PCMA') return { codec, clockRate: 8000, payloadRate: 8000, payloads: own };
  if (codec === 'opus') return { codec, clockRate: 48000, payloadRate: 48000, payloads: own };
  if (channels === 1 && ENGINE_PCM_RATES.includes(trace.clockRate)) return { codec: 'L16', clockRate: trace.clockRate, payloadRate: trace.clockRate, payloads: own };
  const pcm = l16AsPcm16le48k(unwrapped.map(({ packet, ts }) => ({ payload: packet.payload ?? new Uint8Array(0), ticks: ts - ts0 })), trace.clockRate, channels);
  return { codec: 'PCM16LE', clockRate: trace.clockRate, payloadRate: SAMPLE_RATE, payloads: pcm };
}

/** Works out what a replay of `trace` inserts. */
export function prepareReplay(trace: Trace, audio: AudioSource = 'auto', replacementCodec: ReplacementCodec = 'opus'): PreparedReplay {
  const unwrapped = unwrapInArrivalOrder(trace.packets, trace.clockRate);
  if (unwrapped.length === 0) throw new Error(`${trace.path}: no packets to replay`);
  const verdict: PayloadVerdict =
    trace.format === 'csv-rtp' || trace.format === 'csv-delay'
      ? { codec: null, playable: null, reason: trace.format === 'csv-delay' ? 'a delay-only trace carries no audio' : 'a CSV trace carries no payloads' }
      : judgePayloads(trace.packets, trace.payloadType, trace.clockRate);
  if (audio === 'payload' && !verdict.playable) throw new Error(`${trace.path}: the payloads cannot be played: ${verdict.reason}; use --audio replacement`);
  const usePayload = audio !== 'replacement' && verdict.playable !== null;
  const framesPerTick = SAMPLE_RATE / trace.clockRate;
  const kindOf = packetKinds(trace, usePayload);
  const audioPackets = unwrapped.filter(({ packet }) => kindOf(packet) === 'audio');
  const packetFrames = Math.max(1, Math.round(typicalStep(audioPackets, trace.clockRate / 50) * framesPerTick));
  const ts0 = Math.min(...unwrapped.map((p) => p.ts));
  const talkspurtStarts = trace.format === 'csv-rtp' ? inferredTalkspurtStarts(unwrapped, packetFrames / framesPerTick) : null;
  const own = usePayload ? payloadPlayback(trace, verdict, unwrapped, ts0) : null;
  let firstSeq = Infinity;
  let lastSeq = -Infinity;
  const packets = unwrapped.map((u, i): PreparedPacket => {
    const { packet, seq, ts, restart } = u;
    firstSeq = Math.min(firstSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
    const kind = kindOf(packet);
    return {
      seq,
      sequenceNumber: packet.seq,
      timestamp: packet.timestamp,
      arrivalFrame: (packet.arrivalUs * SAMPLE_RATE) / 1e6,
      arrivalMs: packet.arrivalUs / 1000,
      sendMs: ((ts - ts0) * 1000) / trace.clockRate,
      ecn: packet.ecn,
      marker: packet.marker || (talkspurtStarts?.has(u) ?? false),
      kind,
      restart,
      // Comfort noise is its own bytes whatever plays the audio (a SID is not speech).
      payload: kind === 'comfort-noise' ? packet.payload : own ? own.payloads[i] : null,
      replacementStart: (ts - ts0) * framesPerTick,
    };
  });
  const replacement = replacementCodec !== 'pcm' && !opusFitsPacket(packetFrames) ? 'pcm' : replacementCodec;
  const largestPayload = own ? own.payloads.reduce((largest, p) => Math.max(largest, p.length), 0) : replacement === 'pcm' ? packetFrames * 2 : 0;
  return {
    traceName: trace.name,
    codec: own ? own.codec : replacement === 'pcm' ? 'PCM16LE' : 'opus',
    clockRate: own ? own.clockRate : trace.clockRate,
    payloadRate: own ? own.payloadRate : SAMPLE_RATE,
    slotBytes: Math.max(2048, largestPayload),
    packetFrames,
    replacement,
    packets,
    packetRange: lastSeq - firstSeq + 1,
    endLimitFrames: packets[packets.length - 1].arrivalFrame + (TAIL_LIMIT_MS * SAMPLE_RATE) / 1000,
    audio: {
      streamCodec: verdict.codec,
      audioSource: usePayload ? 'payload' : 'replacement',
      reason: usePayload ? null : audio === 'replacement' ? '--audio replacement' : verdict.reason,
    },
  };
}

/** True for the packets a replay inserts into the engine: audio and comfort noise (telephone-events are events; foreign payloads are refused). */
export function isInserted(p: PreparedPacket): boolean {
  return p.kind === 'audio' || p.kind === 'comfort-noise';
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

/** An engine event as a timeline operation (time in ms of output, frames removed negative), or null for a packet's fate. */
export function operationOf(e: EngineEvent): OperationEvent | null {
  const kind = EVENT_TO_OPERATION[e.kind];
  if (!kind) return null;
  const frames = kind === 'accelerate' || kind === 'accelerate-fast' ? -e.a : kind === 'reset' ? 0 : kind === 'fec' ? e.b : e.a;
  const timeMs = (e.frame * 1000) / SAMPLE_RATE;
  if (kind === 'accelerate' || kind === 'accelerate-fast' || kind === 'preemptive-expand') return { timeMs, kind, frames, quiet: e.b === QUIET_STRETCH_FLAG };
  return { timeMs, kind, frames };
}

/** Collects what became of each packet from the insertions and the engine's events. */
export class ReplayRecorder {
  private readonly prepared: PreparedReplay;
  private readonly records = new Map<number, PacketRecord>();
  private duplicates = 0;
  readonly operations: OperationEvent[] = [];
  /**
   * The engine numbers sequence numbers from 65536 at its first packet and
   * again after each reset (see assembly/wrap.ts): the offset from the
   * engine's number to the replay's, one per stream segment (the start, then
   * each restart), and the segment the events being applied are in.
   */
  private readonly engineSeqOffsets: number[];
  private segment = 0;

  constructor(prepared: PreparedReplay) {
    this.prepared = prepared;
    const inserted = prepared.packets.filter(isInserted);
    this.engineSeqOffsets = [inserted[0] ?? prepared.packets[0], ...inserted.filter((p) => p.restart)].map((p) => 65536 - p.seq);
    // What never reaches the engine has its fate now: telephone-events are events, foreign payloads refused.
    for (const p of prepared.packets) {
      if (!isInserted(p) && this.arrived(p)) this.records.get(p.seq)!.fate = p.kind === 'telephone-event' ? 'telephone-event' : 'invalid';
    }
  }

  /** A packet reached the engine (or, not inserted, the replay); false when its sequence number had arrived before. */
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
      if (e.kind === 'reset') this.segment = Math.min(this.segment + 1, this.engineSeqOffsets.length - 1);
      if (e.kind === 'played' || e.kind === 'late' || e.kind === 'overflow') {
        const record = this.records.get(e.a - this.engineSeqOffsets[this.segment]);
        if (!record) continue;
        if (e.kind === 'played') {
          record.fate = 'played';
          record.playMs = (e.frame * 1000) / SAMPLE_RATE;
        } else {
          record.fate = e.kind;
        }
        continue;
      }
      const operation = operationOf(e);
      if (operation) this.operations.push(operation);
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
      audio: this.prepared.audio,
      ...fields,
    };
  }
}
