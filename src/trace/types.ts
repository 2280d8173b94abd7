/** One RTP packet (or one synthesised voice packet of a delay-only trace) as captured. */
export interface TracePacket {
  /** Capture time in microseconds, relative to the first packet of the chosen stream. */
  arrivalUs: number;
  /** RTP sequence number as captured, 0..65535 (not unwrapped). */
  seq: number;
  /** RTP timestamp as captured, 0..2^32-1 (not unwrapped). */
  timestamp: number;
  /** RTP payload type, or -1 when the trace does not say (CSV forms). */
  payloadType: number;
  /** RTP marker bit. */
  marker: boolean;
  /** Payload bytes after the RTP header (CSRCs, extension and padding removed); null when absent or cut by the snaplen. */
  payload: Uint8Array | null;
  /** Payload length as sent (from the UDP length), even when `payload` was cut short by the capture. */
  payloadBytes: number;
  /** IP ECN field of the packet (0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE), or -1 when unknown. */
  ecn: number;
}

/** Trace file formats the replay reads. */
export type TraceFormat = 'pcap' | 'pcapng' | 'rtpdump' | 'csv-rtp' | 'csv-delay';

/** One audio stream read from a trace file, ready for replay. */
export interface Trace {
  /** File path as given. */
  path: string;
  /** File name without directories and without the known extensions (.pcap, .pcapng, .rtpdump, .csv, .gz). */
  name: string;
  format: TraceFormat;
  /** Chosen SSRC, or null for CSV forms. */
  ssrc: number | null;
  /** The chosen stream's UDP flow ("source:port → destination:port"); empty when the format records none (rtpdump, CSV). */
  flows: string[];
  /** RTP clock rate in Hz: from the payload type when static (0 PCMU, 8 PCMA, 9 G722→8000, 10/11 L16→44100), else inferred from timestamp steps against arrival times (snapped to 8000, 12000, 16000, 24000, 32000, 44100, 48000 or 90000). 48000 for delay traces. */
  clockRate: number;
  /** How clockRate was found. */
  clockRateSource: 'payload-type' | 'inferred' | 'synthesised';
  /** The stream's audio payload type (its most frequent one that is not DTMF or comfort noise), or -1 when unknown. */
  payloadType: number;
  /** Packets of the chosen stream in capture order. */
  packets: TracePacket[];
  /**
   * Present when the capture held UDP datagrams that start like RTP (version 2, not RTCP) but
   * are malformed (header longer than the packet, bad padding...): skipped, counted here, the
   * first one named by its byte offset. `inStream` counts those whose header names the chosen SSRC.
   */
  malformedRtp?: { count: number; inStream: number; first: { offset: number; reason: string } };
}

/** Options of readTrace. */
export interface ReadTraceOptions {
  /** Choose this SSRC (pcap, pcapng, rtpdump). Default: the main audio stream. */
  ssrc?: number;
  /** Packet duration in ms for the voice stream synthesised from a delay-only CSV. Default 20. */
  frameMs?: number;
}

/** A malformed or truncated trace: names the file and the byte offset where reading failed. */
export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`${file}: ${reason} (at byte offset ${offset})`);
    this.name = 'TraceError';
  }
}
