// Whether a captured stream's payloads are plausibly the codec their payload
// type and timing say, so that a replay decodes them only then. Encrypted
// payloads (SRTP) have the codec's payload type but not its bytes: decoded as
// G.711 they are full-scale noise. So a payload is taken as audio only where
// its bytes fit the codec: G.711 carries one byte per timestamp tick, L16 two
// per tick and channel, and an Opus packet's TOC and framing (RFC 6716 §3)
// must parse to exactly the timestamp step.

import { opusPacketSamples } from '../codecs/opus_packet.js';
import { sequenceDelta, timestampDelta } from '../trace/rtp_arithmetic.js';
import type { TracePacket } from '../trace/types.js';
import { staticPayloadTypeName } from './payload_types.js';

/** Codecs whose captured payloads a replay decodes. */
export type PayloadCodec = 'PCMU' | 'PCMA' | 'L16' | 'opus';

/** What the payloads of a stream are, and whether a replay can play them. */
export interface PayloadVerdict {
  /** The codec the payloads are, when known: the static type's name, or what the payloads showed ('opus', 'L16'); null when unknown. */
  codec: string | null;
  /** Set when the payloads are plausibly `codec` and jitterlane decodes it. */
  playable: { codec: PayloadCodec; channels: 1 | 2 } | null;
  /** Why the payloads are not played, when they are not. */
  reason: string | null;
}

/**
 * Share of a stream's packets that must fit the codec for its payloads to be
 * taken as that codec. A real stream fits on every packet but a handful (a
 * codec switch, one clipped packet); SRTP's authentication tag makes every
 * G.711 or L16 payload longer than the step, and random bytes parse as an Opus
 * packet of the right duration about 3 times in 10.
 */
export const PLAUSIBLE_SHARE = 0.95;
/**
 * Timestamp steps more than this many times the usual one are pauses (DTX,
 * silence suppression): the packet before a pause says nothing about its
 * length, so such pairs are left out of the count.
 */
const PAUSE_STEP_FACTOR = 2;
/** Opus's RTP clock is 48 kHz, always (RFC 7587 §4.1). */
const OPUS_CLOCK_RATE = 48000;

/** A packet's payload with the timestamp step to the packet that follows it in sequence. */
interface Step {
  payload: Uint8Array;
  ticks: number;
}

const percent = (share: number): string => `${Math.round(share * 100)} %`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * The steps of the audio packets: for each packet whose sequence successor was
 * captured, its payload and the timestamp advance to it; pauses left out.
 */
function stepsOf(packets: readonly TracePacket[]): Step[] {
  // Unwrapped sequence numbers, first arrival of each.
  const bySeq = new Map<number, TracePacket>();
  let last = -1;
  let lastU = 0;
  for (const p of packets) {
    const seq = last < 0 ? 0 : lastU + sequenceDelta(last, p.seq);
    if (!bySeq.has(seq)) bySeq.set(seq, p);
    if (last < 0 || seq > lastU) {
      last = p.seq;
      lastU = seq;
    }
  }
  const steps: Step[] = [];
  for (const [seq, p] of bySeq) {
    const next = bySeq.get(seq + 1);
    if (!next || p.payload === null) continue;
    const ticks = timestampDelta(p.timestamp, next.timestamp);
    if (ticks > 0) steps.push({ payload: p.payload, ticks });
  }
  if (steps.length === 0) return steps;
  const usual = median(steps.map((s) => s.ticks));
  return steps.filter((s) => s.ticks <= PAUSE_STEP_FACTOR * usual);
}

/** Share of steps whose payload length is `bytesPerTick` × the step. */
function lengthFitShare(steps: readonly Step[], bytesPerTick: number): number {
  return steps.filter((s) => s.payload.length === s.ticks * bytesPerTick).length / steps.length;
}

/** Share of steps whose payload parses as an Opus packet lasting exactly the step (48 kHz ticks). */
function opusFitShare(steps: readonly Step[]): number {
  return steps.filter((s) => opusPacketSamples(s.payload, 0, s.payload.length) === s.ticks).length / steps.length;
}

/** The usual payload length and step, for messages. */
function describeUsual(steps: readonly Step[]): { bytes: number; ticks: number } {
  return { bytes: median(steps.map((s) => s.payload.length)), ticks: median(steps.map((s) => s.ticks)) };
}

const notPlayable = (codec: string | null, reason: string): PayloadVerdict => ({ codec, playable: null, reason });
const playable = (codec: PayloadCodec, channels: 1 | 2): PayloadVerdict => ({ codec, playable: { codec, channels }, reason: null });

/**
 * Judges the payloads of a stream's packets of `payloadType` (its audio type),
 * at `clockRate`: playable as PCMU, PCMA, L16 or Opus when they fit that codec
 * on at least PLAUSIBLE_SHARE of the packets, else not, with the reason.
 */
export function judgePayloads(packets: readonly TracePacket[], payloadType: number, clockRate: number): PayloadVerdict {
  const audio = packets.filter((p) => p.payloadType === payloadType);
  const name = staticPayloadTypeName(payloadType);
  const label = name ? `PT ${payloadType} (${name})` : `PT ${payloadType}`;
  if (audio.length === 0) return notPlayable(name, `the stream has no ${label} packets`);
  const cut = audio.filter((p) => p.payload === null).length;
  if (cut > 0) return notPlayable(name, `${cut} of ${audio.length} payloads were cut by the capture's snaplen`);
  const steps = stepsOf(audio);
  if (steps.length === 0) return notPlayable(name, `too few consecutive ${label} packets to tell whether their payloads are audio`);
  const usual = describeUsual(steps);

  if (payloadType === 0 || payloadType === 8) {
    const codec = payloadType === 0 ? 'PCMU' : 'PCMA';
    const share = lengthFitShare(steps, 1);
    if (clockRate === 8000 && share >= PLAUSIBLE_SHARE) return playable(codec, 1);
    return notPlayable(codec, `${codec} payloads do not fit their timestamp steps on ${percent(1 - share)} of packets (usually ${usual.bytes} bytes where a ${usual.ticks}-tick step needs ${usual.ticks}, one byte per sample): encrypted (SRTP) or not ${codec}`);
  }
  if (payloadType === 10 || payloadType === 11) {
    const channels = payloadType === 10 ? 2 : 1;
    const share = lengthFitShare(steps, 2 * channels);
    if (share >= PLAUSIBLE_SHARE) return playable('L16', channels);
    return notPlayable('L16', `L16 payloads do not fit their timestamp steps on ${percent(1 - share)} of packets (usually ${usual.bytes} bytes where a ${usual.ticks}-tick step needs ${usual.ticks * 2 * channels}, ${2 * channels} bytes per tick): encrypted or not L16`);
  }
  if (name !== null) return notPlayable(name, `${label} is not a codec jitterlane decodes`);

  const opusShare = clockRate === OPUS_CLOCK_RATE ? opusFitShare(steps) : 0;
  if (opusShare >= PLAUSIBLE_SHARE) return playable('opus', 1);
  const monoShare = lengthFitShare(steps, 2);
  if (monoShare >= PLAUSIBLE_SHARE) return playable('L16', 1);
  const stereoShare = lengthFitShare(steps, 4);
  if (stereoShare >= PLAUSIBLE_SHARE) return playable('L16', 2);
  const opusPart = clockRate === OPUS_CLOCK_RATE ? `Opus (TOC and framing fit the step on ${percent(opusShare)} of packets)` : `Opus (its clock is 48000 Hz, this stream's ${clockRate} Hz)`;
  return notPlayable(null, `${label} payloads (usually ${usual.bytes} bytes per ${usual.ticks} ticks) are neither ${opusPart} nor L16 (2 or 4 bytes per tick on ${percent(Math.max(monoShare, stereoShare))}): encrypted, or a codec jitterlane does not decode`);
}
