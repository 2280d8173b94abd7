import type { CapturedFrame } from './captured_frame.js';
import { parseRtpOrProblem, type RtpPacket } from './rtp.js';
import { udpDatagramOf } from './udp.js';

/** Addresses and ports of the UDP datagram that carried an RTP packet. */
export interface UdpEndpoints {
  sourceAddress: string;
  sourcePort: number;
  destinationAddress: string;
  destinationPort: number;
}

/** An RTP packet together with what the capture knew about its arrival. */
export interface ReceivedRtpPacket {
  /** Capture time in whole µs on the capture's clock, or null when the file records none. */
  arrivalUs: number | null;
  /** IP ECN field (0..3), or -1 when the format does not record it. */
  ecn: number;
  rtp: RtpPacket;
  /** The carrying datagram's endpoints, or null when the format does not record them (rtpdump). */
  endpoints: UdpEndpoints | null;
  /** Byte offset of the packet's record in the file, for error messages. */
  fileOffset: number;
}

const UDP_HEADER_BYTES = 8;

/** A UDP datagram that starts like RTP (version 2, not RTCP) but is not readable RTP. */
export interface MalformedRtp {
  /** Byte offset of its record in the file. */
  fileOffset: number;
  /** What is wrong with it (see parseRtpOrProblem). */
  reason: string;
  /** The SSRC its header names, or null when the header is shorter than 12 bytes. */
  ssrc: number | null;
}

/** "source:port → destination:port", for messages. */
export function describeEndpoints(endpoints: UdpEndpoints): string {
  return `${endpoints.sourceAddress}:${endpoints.sourcePort} → ${endpoints.destinationAddress}:${endpoints.destinationPort}`;
}

/**
 * Keeps the frames that carry RTP over UDP over IP, in capture order.
 * Frames that are anything else are skipped: a capture normally holds signalling and other traffic too.
 * Datagrams that start like RTP but are malformed are skipped too, and listed in `malformed` when given.
 */
export function rtpPacketsOfFrames(frames: Iterable<CapturedFrame>, malformed?: MalformedRtp[]): ReceivedRtpPacket[] {
  const packets: ReceivedRtpPacket[] = [];
  for (const frame of frames) {
    const datagram = udpDatagramOf(frame.linkType, frame.data);
    if (datagram === null) continue;
    const rtp = parseRtpOrProblem(datagram.payload, datagram.udpLength - UDP_HEADER_BYTES);
    if (rtp === null) continue;
    if (typeof rtp === 'string') {
      const bytes = datagram.payload;
      const ssrc = bytes.length >= 12 ? ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0 : null;
      malformed?.push({ fileOffset: frame.fileOffset, reason: rtp, ssrc });
      continue;
    }
    packets.push({
      arrivalUs: frame.timeUs,
      ecn: datagram.ecn,
      rtp,
      endpoints: {
        sourceAddress: datagram.sourceAddress,
        sourcePort: datagram.sourcePort,
        destinationAddress: datagram.destinationAddress,
        destinationPort: datagram.destinationPort,
      },
      fileOffset: frame.fileOffset,
    });
  }
  return packets;
}
