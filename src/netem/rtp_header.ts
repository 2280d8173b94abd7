// The clear part of an (S)RTP packet: SRTP (RFC 3711 §3.1) encrypts the
// payload and appends an authentication tag, but leaves the RFC 3550 header
// readable, which is all a network emulator needs to recognise a stream and
// number its packets. Padding is not read: under SRTP the padding count sits
// inside the encrypted payload, so the last byte of the datagram is tag, not count.

/** The header fields the relay reads. */
export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Bytes from the start of the packet to the payload: 12 + 4·CC + extension. */
  headerBytes: number;
}

/** RFC 3550 §5.1: version, flags, CC, M, PT, sequence number, timestamp, SSRC. */
const FIXED_HEADER_BYTES = 12;
/** RFC 3550 §5.3.1: 16 bits profile, 16 bits length in 32-bit words. */
const EXTENSION_HEADER_BYTES = 4;

/**
 * Reads the clear header of an RTP or SRTP packet, or null when the bytes are
 * not version-2 RTP or the header (CSRCs and extension included) does not fit.
 * Call it on datagrams classifyDatagram() called 'rtp'.
 */
export function readRtpHeader(bytes: Uint8Array): RtpHeader | null {
  if (bytes.length < FIXED_HEADER_BYTES || bytes[0] >> 6 !== 2) return null;
  let headerBytes = FIXED_HEADER_BYTES + 4 * (bytes[0] & 0x0f);
  if ((bytes[0] & 0x10) !== 0) {
    if (headerBytes + EXTENSION_HEADER_BYTES > bytes.length) return null;
    headerBytes += EXTENSION_HEADER_BYTES + 4 * ((bytes[headerBytes + 2] << 8) | bytes[headerBytes + 3]);
  }
  if (headerBytes > bytes.length) return null;
  return {
    marker: (bytes[1] & 0x80) !== 0,
    payloadType: bytes[1] & 0x7f,
    sequenceNumber: (bytes[2] << 8) | bytes[3],
    timestamp: ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0,
    ssrc: ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0,
    headerBytes,
  };
}
