// Building RTP packets (RFC 3550 §5.1): the WebSocket framing of jitterlane is
// one RTP packet per binary message, so servers can forward what they have.

/** Header fields of a packet to build. */
export interface RtpFields {
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker?: boolean;
}

/** A 12-byte RTP header (version 2, no padding, extension or CSRCs) followed by the payload. */
export function buildRtpPacket(fields: RtpFields, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(12 + payload.length);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80;
  packet[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  view.setUint16(2, fields.sequenceNumber & 0xffff);
  view.setUint32(4, fields.timestamp >>> 0);
  view.setUint32(8, fields.ssrc >>> 0);
  packet.set(payload, 12);
  return packet;
}
