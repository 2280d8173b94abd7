import { isPrivateAddress } from './address_scope.js';
import {
  inferClockRate,
  isDynamicPayloadType,
  isStaticAudioPayloadType,
  type TimestampSample,
} from './clock_rate.js';
import { median } from './median.js';
import { mostFrequent } from './most_frequent.js';
import { describeEndpoints, type ReceivedRtpPacket } from './received_rtp.js';
import { sequenceDelta, timestampDelta } from './rtp_arithmetic.js';
import { TraceError } from './types.js';

/**
 * The packets of one stream, in capture order: one SSRC, on the UDP flows that
 * carried it. A capture taken at a media relay carries every SSRC twice, once
 * on each leg, at the same time: the legs are two streams, never merged (each
 * packet would otherwise look duplicated). An SSRC that moves to another flow
 * (a NAT rebinding, an ICE restart) stays one stream, on several flows.
 */
export interface RtpStream {
  ssrc: number;
  /** "source:port → destination:port" of its datagrams; empty when the format records no addresses (rtpdump). */
  flows: string[];
  packets: ReceivedRtpPacket[];
}

/** What stream selection found out about a stream. */
export interface RtpStreamSummary {
  ssrc: number;
  packetCount: number;
  /** Most frequent payload type. */
  dominantPayloadType: number;
  medianPayloadBytes: number;
  /** The stream's "source:port → destination:port" flows (one, unless its SSRC moved); empty when the format records no addresses (rtpdump). */
  flows: string[];
  /** Packets once duplicates are left out: how long the stream is, cleanly. */
  distinctPackets: number;
  /** Sequence numbers mostly advance by small steps: a real RTP stream, not stray UDP that happens to parse. */
  isRtpStream: boolean;
  /** An RTP stream with an audio payload type, or a dynamic one whose timing and sizes look like audio. */
  looksLikeAudio: boolean;
  /** Sent from a public address to a private one: the receiving side of a call over the Internet. */
  receivedFromInternet: boolean;
}

/** Fewer packets than this are not a stream worth replaying. */
const MIN_STREAM_PACKETS = 3;
/** Largest sequence step still counted as "the next packet" (losses of up to this many in a row). */
const MAX_SEQUENCE_STEP = 100;
/** Audio frames; video usually sends one frame per 33–40 ms but in many packets that share a timestamp. */
const MIN_AUDIO_PACKET_MS = 10;
const MAX_AUDIO_PACKET_MS = 60;
/** Audio packets at 10..60 ms stay well below this; video fills packets to near the MTU. */
const MAX_AUDIO_MEDIAN_PAYLOAD_BYTES = 400;
/** Share of consecutive packets allowed to repeat a timestamp (a video frame split over packets). */
const MAX_REPEATED_TIMESTAMP_SHARE = 0.2;
/** 90 kHz is the video clock; every other candidate rate is an audio rate. */
const VIDEO_CLOCK_RATE = 90000;

/** The flow of a packet, or '' when the format records no addresses. */
function flowOf(packet: ReceivedRtpPacket): string {
  return packet.endpoints ? describeEndpoints(packet.endpoints) : '';
}

/**
 * Arrivals of one sequence number on two flows closer than this are the same
 * packet on two legs of a relay (a relay forwards within milliseconds); farther
 * apart they are a stream that moved and later wrapped its sequence numbers
 * (65 536 packets: 22 minutes at 20 ms).
 */
const SAME_PACKET_WITHIN_US = 2_000_000;

/** True when two flows of one SSRC carry the same packets at the same time: legs of a relay, not a flow that changed. */
function flowsOverlap(byFlow: Map<string, ReceivedRtpPacket[]>): boolean {
  const seen = new Map<number, { flow: string; arrivalUs: number | null }>();
  for (const [flow, packets] of byFlow) {
    for (const packet of packets) {
      const other = seen.get(packet.rtp.sequenceNumber);
      const near = other && (other.arrivalUs === null || packet.arrivalUs === null || Math.abs(other.arrivalUs - packet.arrivalUs) < SAME_PACKET_WITHIN_US);
      if (other !== undefined && other.flow !== flow && near) return true;
      seen.set(packet.rtp.sequenceNumber, { flow, arrivalUs: packet.arrivalUs });
    }
  }
  return false;
}

/**
 * Groups packets into streams: by SSRC, and by flow (addresses and ports) where
 * one SSRC's flows carry the same sequence numbers (the legs of a relay).
 * Streams in order of first appearance, packets in capture order.
 */
export function groupStreams(packets: readonly ReceivedRtpPacket[]): RtpStream[] {
  const bySsrc = new Map<number, Map<string, ReceivedRtpPacket[]>>();
  for (const packet of packets) {
    let byFlow = bySsrc.get(packet.rtp.ssrc);
    if (byFlow === undefined) bySsrc.set(packet.rtp.ssrc, (byFlow = new Map()));
    const flow = flowOf(packet);
    const list = byFlow.get(flow);
    if (list) list.push(packet);
    else byFlow.set(flow, [packet]);
  }
  const streams: { stream: RtpStream; firstOffset: number }[] = [];
  for (const [ssrc, byFlow] of bySsrc) {
    if (byFlow.size > 1 && flowsOverlap(byFlow)) {
      for (const [flow, list] of byFlow) streams.push({ stream: { ssrc, flows: flow ? [flow] : [], packets: list }, firstOffset: list[0].fileOffset });
    } else {
      const all = [...byFlow.values()].flat().sort((a, b) => a.fileOffset - b.fileOffset);
      streams.push({ stream: { ssrc, flows: [...byFlow.keys()].filter((flow) => flow !== ''), packets: all }, firstOffset: all[0].fileOffset });
    }
  }
  return streams.sort((a, b) => a.firstOffset - b.firstOffset).map(({ stream }) => stream);
}

/** Distinct sequence numbers of the packets: its length once duplicates are left out. */
export function distinctSequenceNumbers(packets: readonly ReceivedRtpPacket[]): number {
  return new Set(packets.map((packet) => packet.rtp.sequenceNumber)).size;
}

/** Most frequent payload type of the packets (the first seen wins a tie). */
export function dominantPayloadType(packets: readonly ReceivedRtpPacket[]): number {
  return mostFrequent(packets.map((packet) => packet.rtp.payloadType), -1);
}

/** Packets with a capture time, as clock-rate inference wants them. */
export function timestampSamples(packets: readonly ReceivedRtpPacket[]): TimestampSample[] {
  const samples: TimestampSample[] = [];
  for (const packet of packets) {
    if (packet.arrivalUs === null) continue;
    samples.push({ seq: packet.rtp.sequenceNumber, timestamp: packet.rtp.timestamp, arrivalUs: packet.arrivalUs });
  }
  return samples;
}

function isRtpStream(packets: readonly ReceivedRtpPacket[]): boolean {
  if (packets.length < MIN_STREAM_PACKETS) return false;
  let smallSteps = 0;
  for (let i = 1; i < packets.length; i++) {
    const step = sequenceDelta(packets[i - 1].rtp.sequenceNumber, packets[i].rtp.sequenceNumber);
    if (step >= 1 && step <= MAX_SEQUENCE_STEP) smallSteps++;
  }
  return smallSteps * 2 >= packets.length - 1;
}

/**
 * A dynamic payload type looks like audio when packets do not share timestamps, the payloads are
 * small, the inferred clock is an audio rate, and the usual timestamp step is a 10..60 ms frame.
 */
function dynamicStreamLooksLikeAudio(packets: readonly ReceivedRtpPacket[], medianPayloadBytes: number): boolean {
  if (medianPayloadBytes > MAX_AUDIO_MEDIAN_PAYLOAD_BYTES) return false;
  const steps: number[] = [];
  let repeatedTimestamps = 0;
  for (let i = 1; i < packets.length; i++) {
    if (sequenceDelta(packets[i - 1].rtp.sequenceNumber, packets[i].rtp.sequenceNumber) !== 1) continue;
    const step = timestampDelta(packets[i - 1].rtp.timestamp, packets[i].rtp.timestamp);
    if (step === 0) repeatedTimestamps++;
    else if (step > 0) steps.push(step);
  }
  if (steps.length === 0 || repeatedTimestamps > MAX_REPEATED_TIMESTAMP_SHARE * (steps.length + repeatedTimestamps)) {
    return false;
  }
  const clockRate = inferClockRate(timestampSamples(packets));
  if (clockRate === null || clockRate === VIDEO_CLOCK_RATE) return false;
  const packetMs = (median(steps) / clockRate) * 1000;
  return packetMs >= MIN_AUDIO_PACKET_MS && packetMs <= MAX_AUDIO_PACKET_MS;
}

/** Summarises a stream for selection and for messages. */
export function summariseStream(stream: RtpStream): RtpStreamSummary {
  const packets = stream.packets;
  const payloadType = dominantPayloadType(packets);
  const medianPayloadBytes = median(packets.map((packet) => packet.rtp.payloadBytes));
  const flows = stream.flows;
  const rtpStream = isRtpStream(packets);
  const looksLikeAudio =
    rtpStream &&
    (isStaticAudioPayloadType(payloadType) ||
      (isDynamicPayloadType(payloadType) && dynamicStreamLooksLikeAudio(packets, medianPayloadBytes)));
  const first = packets[0].endpoints;
  const receivedFromInternet =
    first !== null && !isPrivateAddress(first.sourceAddress) && isPrivateAddress(first.destinationAddress);
  return {
    ssrc: stream.ssrc,
    packetCount: packets.length,
    dominantPayloadType: payloadType,
    medianPayloadBytes,
    flows,
    distinctPackets: distinctSequenceNumbers(packets),
    isRtpStream: rtpStream,
    looksLikeAudio,
    receivedFromInternet,
  };
}

/** Formats an SSRC the way Wireshark shows it, e.g. 0x31BE1E0E. */
export function formatSsrc(ssrc: number): string {
  return `0x${ssrc.toString(16).toUpperCase().padStart(8, '0')}`;
}

function describeSummary(summary: RtpStreamSummary): string {
  const flows = summary.flows.length > 0 ? `, ${summary.flows.join(', ')}` : '';
  return `${formatSsrc(summary.ssrc)} (${summary.packetCount} packets, PT ${summary.dominantPayloadType}${flows})`;
}

/**
 * Preference of a stream as "the main audio stream": audio received over the Internet first
 * (the side a jitter buffer sits on: in a capture taken at a home or office host, the stream
 * that host sends has the sender's own timing, not the network's), then any audio, then any
 * RTP stream. 0 means not a stream at all.
 */
function preference(summary: RtpStreamSummary): number {
  if (!summary.isRtpStream) return 0;
  if (summary.looksLikeAudio && summary.receivedFromInternet) return 3;
  if (summary.looksLikeAudio) return 2;
  return 1;
}

/** True when `a` ranks above `b` as the stream to replay: more preferred, then longer once duplicates are left out; the first seen wins a tie. */
function ranksAbove(a: RtpStreamSummary, b: RtpStreamSummary): boolean {
  const pa = preference(a);
  const pb = preference(b);
  return pa !== pb ? pa > pb : a.distinctPackets > b.distinctPackets;
}

/**
 * Chooses the stream to replay: among the streams of `requestedSsrc` when given
 * (an SSRC seen on several legs of a relay gives one stream per leg), else
 * among all; the most preferred, then the longest clean one (most distinct
 * sequence numbers), then the first seen.
 * Fails with a TraceError listing the streams when the requested SSRC is absent,
 * and when nothing in the capture forms an RTP stream.
 */
export function selectStream(packets: readonly ReceivedRtpPacket[], requestedSsrc: number | undefined, file: string): RtpStream {
  const streams = groupStreams(packets);
  const candidates = requestedSsrc === undefined ? streams : streams.filter((stream) => stream.ssrc === requestedSsrc >>> 0);
  if (requestedSsrc !== undefined && candidates.length === 0) {
    const available = streams
      .map(summariseStream)
      .sort((a, b) => b.packetCount - a.packetCount)
      .slice(0, 10)
      .map(describeSummary);
    const listing = available.length > 0 ? `the capture has ${available.join('; ')}` : 'the capture has no RTP packets';
    throw new TraceError(file, 0, `no RTP stream with SSRC ${formatSsrc(requestedSsrc >>> 0)}: ${listing}`);
  }

  let best: { stream: RtpStream; summary: RtpStreamSummary } | null = null;
  for (const stream of candidates) {
    const summary = summariseStream(stream);
    // A requested SSRC is replayed even when it does not look like a stream: the user said so.
    if (preference(summary) === 0 && requestedSsrc === undefined) continue;
    if (best === null || ranksAbove(summary, best.summary)) best = { stream, summary };
  }
  if (best === null) {
    throw new TraceError(
      file,
      0,
      packets.length === 0
        ? 'no RTP stream: no UDP datagram in the capture parses as RTP'
        : `no RTP stream: ${packets.length} UDP datagrams parse as RTP, but no SSRC has ${MIN_STREAM_PACKETS} or more packets with advancing sequence numbers`,
    );
  }
  return best.stream;
}
