import { transportSegmentOf } from './ip.js';
import { networkPacketOf } from './link_layer.js';

const IP_PROTOCOL_UDP = 17;
const UDP_HEADER_BYTES = 8;

/** A UDP datagram found in a captured frame. */
export interface UdpDatagram {
  sourceAddress: string;
  destinationAddress: string;
  sourcePort: number;
  destinationPort: number;
  /** IP ECN field: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  ecn: number;
  /** Length field of the UDP header (header included): the datagram's size as sent. */
  udpLength: number;
  /** The payload bytes that were captured: at most `udpLength − 8`, fewer when the snaplen cut them. */
  payload: Uint8Array;
}

/**
 * Decodes a link-layer frame down to its UDP datagram.
 * Returns null for anything that is not a readable UDP datagram (ARP, TCP, non-first fragments, ...).
 */
export function udpDatagramOf(linkType: number, frame: Uint8Array): UdpDatagram | null {
  const network = networkPacketOf(linkType, frame);
  if (network === null) return null;
  const segment = transportSegmentOf(network);
  if (segment === null || segment.protocol !== IP_PROTOCOL_UDP) return null;
  const bytes = segment.bytes;
  if (bytes.length < UDP_HEADER_BYTES) return null;
  const udpLength = (bytes[4] << 8) | bytes[5];
  if (udpLength < UDP_HEADER_BYTES) return null;
  return {
    sourceAddress: segment.sourceAddress,
    destinationAddress: segment.destinationAddress,
    sourcePort: (bytes[0] << 8) | bytes[1],
    destinationPort: (bytes[2] << 8) | bytes[3],
    ecn: segment.ecn,
    udpLength,
    payload: bytes.subarray(UDP_HEADER_BYTES, Math.min(bytes.length, udpLength)),
  };
}
