// What a datagram on a WebRTC 5-tuple is, from its first bytes: RFC 7983
// (which updates RFC 5764 §5.1.2) splits the first byte into ranges so STUN,
// DTLS, TURN channels and (S)RTP can share one port; RTCP is told from RTP by
// its packet type in the second byte (RFC 5761 §4, rtcp-mux). The relay needs
// this to delay only the media and pass the rest through.

/** The protocols that share a WebRTC transport (RFC 7983 §7), 'other' for any first byte outside them. */
export type DatagramKind = 'stun' | 'zrtp' | 'dtls' | 'turn-channel' | 'rtp' | 'rtcp' | 'other';

/**
 * RTCP packet types (SR 200 … XR 207, the feedback types 205/206, up to the
 * reserved 223) seen as RTP would read marker + payload type 64..95: RFC 5761
 * §4 keeps those payload types free so the two can share a port.
 */
const RTCP_TYPES = { first: 192, last: 223 } as const;

/** Classifies one datagram by RFC 7983's first-byte ranges. An empty datagram is 'other'. */
export function classifyDatagram(bytes: Uint8Array): DatagramKind {
  if (bytes.length === 0) return 'other';
  const first = bytes[0];
  if (first <= 3) return 'stun';
  if (first >= 16 && first <= 19) return 'zrtp';
  if (first >= 20 && first <= 63) return 'dtls';
  if (first >= 64 && first <= 79) return 'turn-channel';
  if (first >= 128 && first <= 191) {
    if (bytes.length >= 2 && bytes[1] >= RTCP_TYPES.first && bytes[1] <= RTCP_TYPES.last) return 'rtcp';
    return 'rtp';
  }
  return 'other';
}
