/** An RTP packet's header fields and the size and bytes of its payload. */
export interface RtpPacket {
  padding: boolean;
  extension: boolean;
  /** CSRC identifiers, as many as the CC field says. */
  csrcs: number[];
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Profile-defined 16 bits of the header extension, or null without one. */
  extensionProfile: number | null;
  /** Bytes from the start of the packet to the payload: 12 + 4·CC + extension. */
  headerBytes: number;
  /** Padding removed from the end; 0 when the padding count byte was not captured. */
  paddingBytes: number;
  /** Payload length as sent: packet length − header − padding. */
  payloadBytes: number;
  /** The payload, when the capture holds the whole packet; null when it was cut short. */
  payload: Uint8Array | null;
}

const FIXED_HEADER_BYTES = 12;
const EXTENSION_HEADER_BYTES = 4;

/**
 * True for the second byte of an RTCP packet. RTCP packet types 192..223 read as marker + PT 64..95,
 * which RFC 5761 §4 keeps free of RTP for exactly this reason (SR 200 ... APP 204, feedback 205/206, XR 207).
 */
function looksLikeRtcp(secondByte: number): boolean {
  return secondByte >= 192 && secondByte <= 223;
}

function u16be(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

function u32be(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/**
 * Parses an RTP packet (RFC 3550 §5.1) from the captured bytes of a UDP payload.
 *
 * `packetLength` is the RTP packet's size as sent (UDP length − 8). Sizes are computed from it,
 * so `payloadBytes` stays right when the capture's snaplen cut the packet; in that case the
 * padding count (the last byte) is unknown and taken as 0.
 *
 * Returns null for anything that is not RTP: version other than 2, RTCP, a header (with its
 * CSRCs and extension) that is longer than the packet or than what was captured, or padding
 * that does not fit.
 */
export function parseRtp(captured: Uint8Array, packetLength: number): RtpPacket | null {
  const bytes = captured.length > packetLength ? captured.subarray(0, packetLength) : captured;
  if (packetLength < FIXED_HEADER_BYTES || bytes.length < FIXED_HEADER_BYTES) return null;
  if (bytes[0] >> 6 !== 2) return null;
  if (looksLikeRtcp(bytes[1])) return null;

  const padding = (bytes[0] & 0x20) !== 0;
  const extension = (bytes[0] & 0x10) !== 0;
  const csrcCount = bytes[0] & 0x0f;

  let headerBytes = FIXED_HEADER_BYTES + 4 * csrcCount;
  if (bytes.length < headerBytes) return null;
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(u32be(bytes, FIXED_HEADER_BYTES + 4 * i));

  let extensionProfile: number | null = null;
  if (extension) {
    if (bytes.length < headerBytes + EXTENSION_HEADER_BYTES) return null;
    extensionProfile = u16be(bytes, headerBytes);
    const extensionWords = u16be(bytes, headerBytes + 2);
    headerBytes += EXTENSION_HEADER_BYTES + 4 * extensionWords;
  }
  if (headerBytes > packetLength) return null;

  const wholeCaptured = bytes.length === packetLength;
  let paddingBytes = 0;
  if (padding && wholeCaptured) {
    paddingBytes = bytes[packetLength - 1];
    // The count includes itself, so 0 or more than the space after the header is not RTP.
    if (paddingBytes === 0 || headerBytes + paddingBytes > packetLength) return null;
  }

  const payloadBytes = packetLength - headerBytes - paddingBytes;
  return {
    padding,
    extension,
    csrcs,
    marker: (bytes[1] & 0x80) !== 0,
    payloadType: bytes[1] & 0x7f,
    sequenceNumber: u16be(bytes, 2),
    timestamp: u32be(bytes, 4),
    ssrc: u32be(bytes, 8),
    extensionProfile,
    headerBytes,
    paddingBytes,
    payloadBytes,
    payload: wholeCaptured ? bytes.subarray(headerBytes, headerBytes + payloadBytes) : null,
  };
}
