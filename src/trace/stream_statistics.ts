// Every RTP stream of a capture with the figures Wireshark's "RTP Streams"
// dialog shows (Telephony → RTP → RTP Streams): SSRC, flow, payload type,
// packets, lost, max delta, max and mean jitter; plus the duration. Streams
// are grouped as the replay groups them: by SSRC and flow.

import { inferClockRate, staticClockRate } from './clock_rate.js';
import type { ReceivedRtpPacket } from './received_rtp.js';
import { sequenceDelta, timestampDelta } from './rtp_arithmetic.js';
import { groupStreams, summariseStream, timestampSamples } from './stream_selection.js';
import { audioPayloadType } from '../rtp/payload_types.js';

/** One stream's figures, as Wireshark's RTP Streams dialog lists them. */
export interface StreamStatistics {
  ssrc: number;
  /** "source:port → destination:port" of its datagrams (one, unless its SSRC moved); empty when the format records no addresses (rtpdump). */
  flows: string[];
  /** The stream's audio payload type (DTMF and comfort noise left out), or its most frequent one. */
  payloadType: number;
  /** RTP clock in Hz (static payload type, else inferred), or null when it cannot be told. */
  clockRate: number | null;
  packets: number;
  /** Expected (sequence range) minus received, as Wireshark counts it: negative with duplicates. */
  lost: number;
  /** Longest gap between consecutive arrivals, ms. */
  maxDeltaMs: number;
  /** RFC 3550 §6.4.1 interarrival jitter, its largest and its mean value over the packets, ms; null without a clock rate. */
  maxJitterMs: number | null;
  meanJitterMs: number | null;
  /** First to last arrival, seconds. */
  durationS: number;
  /** Whether the replay would take it for audio (see stream_selection.ts). */
  looksLikeAudio: boolean;
}

/** The figures of one stream's packets (capture order). */
function statisticsOf(ssrc: number, flows: string[], packets: readonly ReceivedRtpPacket[]): StreamStatistics {
  const typed = packets.map((p) => ({ payloadType: p.rtp.payloadType, timestamp: p.rtp.timestamp, payload: p.rtp.payload }));
  const audioType = audioPayloadType(typed);
  const summary = summariseStream({ ssrc, flows, packets: [...packets] });
  const payloadType = audioType >= 0 ? audioType : summary.dominantPayloadType;
  const audio = packets.filter((p) => p.rtp.payloadType === payloadType);
  const clockRate = staticClockRate(payloadType) ?? inferClockRate(timestampSamples(audio));

  let lowest = 0;
  let highest = 0;
  let seqU = 0;
  let maxDeltaUs = 0;
  let jitter = 0;
  let maxJitter = 0;
  let jitterSum = 0;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    if (i > 0) {
      const prev = packets[i - 1];
      seqU += sequenceDelta(prev.rtp.sequenceNumber, p.rtp.sequenceNumber);
      lowest = Math.min(lowest, seqU);
      highest = Math.max(highest, seqU);
      if (p.arrivalUs !== null && prev.arrivalUs !== null) {
        const deltaUs = p.arrivalUs - prev.arrivalUs;
        maxDeltaUs = Math.max(maxDeltaUs, deltaUs);
        if (clockRate !== null) {
          // D(i-1, i) = (Rj − Ri) − (Sj − Si), both in seconds; J += (|D| − J) / 16.
          const d = deltaUs / 1e6 - timestampDelta(prev.rtp.timestamp, p.rtp.timestamp) / clockRate;
          jitter += (Math.abs(d) - jitter) / 16;
        }
      }
    }
    maxJitter = Math.max(maxJitter, jitter);
    jitterSum += jitter;
  }
  const first = packets[0].arrivalUs ?? 0;
  const last = packets[packets.length - 1].arrivalUs ?? first;
  return {
    ssrc,
    flows,
    payloadType,
    clockRate,
    packets: packets.length,
    lost: highest - lowest + 1 - packets.length,
    maxDeltaMs: maxDeltaUs / 1000,
    maxJitterMs: clockRate === null ? null : maxJitter * 1000,
    meanJitterMs: clockRate === null ? null : (jitterSum / packets.length) * 1000,
    durationS: (last - first) / 1e6,
    looksLikeAudio: summary.looksLikeAudio,
  };
}

/** Every stream of the packets (by SSRC and flow), in order of first appearance. */
export function streamStatistics(packets: readonly ReceivedRtpPacket[]): StreamStatistics[] {
  return groupStreams(packets).map((stream) => statisticsOf(stream.ssrc, stream.flows, stream.packets));
}
