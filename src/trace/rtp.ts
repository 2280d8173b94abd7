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
  const parsed = parseRtpOrProblem(captured, packetLength);
  return typeof parsed === 'string' ? null : parsed;
}

/**
 * Like parseRtp, but says why a datagram that starts like RTP (version 2, not
 * RTCP) is not readable RTP: a string naming the problem (header longer than
 * the packet, padding count 0 or past the header, shorter than 12 bytes, or a
 * header the capture's snaplen cut). null still means "not RTP at all"
 * (another version, RTCP, an empty datagram), which captures are full of.
 */
export function parseRtpOrProblem(captured: Uint8Array, packetLength: number): RtpPacket | string | null {
  const bytes = captured.length > packetLength ? captured.subarray(0, packetLength) : captured;
  if (bytes.length === 0 || bytes[0] >> 6 !== 2) return null;
  if (bytes.length >= 2 && looksLikeRtcp(bytes[1])) return null;
  if (packetLength < FIXED_HEADER_BYTES) return `RTP version 2 but only ${packetLength} bytes, shorter than the 12-byte fixed header`;
  if (bytes.length < FIXED_HEADER_BYTES) return `RTP fixed header cut by the capture (${bytes.length} of 12 bytes captured)`;

  const padding = (bytes[0] & 0x20) !== 0;
  const extension = (bytes[0] & 0x10) !== 0;
  const csrcCount = bytes[0] & 0x0f;

  let headerBytes = FIXED_HEADER_BYTES + 4 * csrcCount;
  if (headerBytes > packetLength) return `RTP header with ${csrcCount} CSRCs needs ${headerBytes} bytes, the packet has ${packetLength}`;
  if (bytes.length < headerBytes) return `RTP CSRC list cut by the capture (${bytes.length} of ${headerBytes} bytes captured)`;
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(u32be(bytes, FIXED_HEADER_BYTES + 4 * i));

  let extensionProfile: number | null = null;
  if (extension) {
    if (headerBytes + EXTENSION_HEADER_BYTES > packetLength) return `RTP extension bit set but no room for the 4-byte extension header after ${headerBytes} bytes of a ${packetLength}-byte packet`;
    if (bytes.length < headerBytes + EXTENSION_HEADER_BYTES) return `RTP extension header cut by the capture (${bytes.length} bytes captured)`;
    extensionProfile = u16be(bytes, headerBytes);
    const extensionWords = u16be(bytes, headerBytes + 2);
    headerBytes += EXTENSION_HEADER_BYTES + 4 * extensionWords;
    if (headerBytes > packetLength) return `RTP header extension of ${extensionWords} words ends at byte ${headerBytes}, past the ${packetLength}-byte packet`;
  }

  const wholeCaptured = bytes.length === packetLength;
  let paddingBytes = 0;
  if (padding && wholeCaptured) {
    paddingBytes = bytes[packetLength - 1];
    // The count includes itself, so 0 or more than the space after the header is not RTP.
    if (paddingBytes === 0) return 'RTP padding bit set but the padding count (last byte) is 0';
    if (headerBytes + paddingBytes > packetLength) return `RTP padding count ${paddingBytes} reaches into the ${headerBytes}-byte header of a ${packetLength}-byte packet`;
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
