import { audioPayloadType } from '../rtp/payload_types.js';
import { inferClockRate, staticClockRate } from './clock_rate.js';
import type { MalformedRtp, ReceivedRtpPacket } from './received_rtp.js';
import { dominantPayloadType, formatSsrc, selectStream, timestampSamples } from './stream_selection.js';
import { TraceError, type ReadTraceOptions, type Trace, type TraceFormat, type TracePacket } from './types.js';

/** Identifies the file a trace comes from. */
export interface TraceSource {
  path: string;
  name: string;
  format: TraceFormat;
}

/** Media clock of a stream: from a static payload type when it has one, else inferred. */
function clockRateOf(payloadType: number, packets: readonly ReceivedRtpPacket[], file: string, ssrc: number): Pick<Trace, 'clockRate' | 'clockRateSource'> {
  const fromPayloadType = staticClockRate(payloadType);
  if (fromPayloadType !== null) return { clockRate: fromPayloadType, clockRateSource: 'payload-type' };
  const inferred = inferClockRate(timestampSamples(packets));
  if (inferred === null) {
    throw new TraceError(
      file,
      packets[0].fileOffset,
      `cannot infer the clock rate of SSRC ${formatSsrc(ssrc)} (PT ${payloadType}): too few packets with advancing timestamps and arrival times`,
    );
  }
  return { clockRate: inferred, clockRateSource: 'inferred' };
}

/**
 * Builds a Trace from the RTP packets found in a capture or an rtpdump file: chooses the stream
 * (options.ssrc, else the main audio stream), finds its clock rate, and makes arrival times
 * relative to the stream's first packet. Packets keep capture order; payloads are copied so the
 * trace does not hold on to the whole file.
 */
export function buildRtpTrace(received: readonly ReceivedRtpPacket[], source: TraceSource, options: ReadTraceOptions = {}, malformed: readonly MalformedRtp[] = []): Trace {
  let stream: ReturnType<typeof selectStream>;
  try {
    stream = selectStream(received, options.ssrc, source.path);
  } catch (error) {
    // No usable stream: if malformed RTP is why, say so and point at the first one.
    if (!(error instanceof TraceError) || malformed.length === 0) throw error;
    const first = malformed[0];
    const reason = error.message.slice(`${source.path}: `.length).replace(/ \(at byte offset \d+\)$/, '');
    throw new TraceError(source.path, first.fileOffset, `${reason}; ${malformed.length} UDP datagrams look like RTP (version 2) but are malformed, the first: ${first.reason}`);
  }
  const untimed = stream.packets.find((packet) => packet.arrivalUs === null);
  if (untimed !== undefined) {
    throw new TraceError(
      source.path,
      untimed.fileOffset,
      `SSRC ${formatSsrc(stream.ssrc)} has packets without a capture time (pcapng Simple Packet Block), so it cannot be replayed`,
    );
  }
  // The codec's payload type, not DTMF's or comfort noise's (src/rtp/payload_types.ts); its packets alone tell the clock.
  const typed = stream.packets.map((packet) => ({ payloadType: packet.rtp.payloadType, timestamp: packet.rtp.timestamp, payload: packet.rtp.payload }));
  const audioType = audioPayloadType(typed);
  const payloadType = audioType >= 0 ? audioType : dominantPayloadType(stream.packets);
  const audioPackets = stream.packets.filter((packet) => packet.rtp.payloadType === payloadType);
  const firstArrivalUs = stream.packets[0].arrivalUs as number;
  const packets: TracePacket[] = stream.packets.map((packet) => ({
    arrivalUs: (packet.arrivalUs as number) - firstArrivalUs,
    seq: packet.rtp.sequenceNumber,
    timestamp: packet.rtp.timestamp,
    payloadType: packet.rtp.payloadType,
    marker: packet.rtp.marker,
    payload: packet.rtp.payload === null ? null : packet.rtp.payload.slice(),
    payloadBytes: packet.rtp.payloadBytes,
    ecn: packet.ecn,
  }));
  return {
    path: source.path,
    name: source.name,
    format: source.format,
    ssrc: stream.ssrc,
    flows: stream.flows,
    ...clockRateOf(payloadType, audioPackets, source.path, stream.ssrc),
    payloadType,
    packets,
    ...(malformed.length > 0
      ? { malformedRtp: { count: malformed.length, inStream: malformed.filter((m) => m.ssrc === stream.ssrc).length, first: { offset: malformed[0].fileOffset, reason: malformed[0].reason } } }
      : {}),
  };
}
