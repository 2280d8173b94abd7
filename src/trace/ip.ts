import type { NetworkPacket } from './link_layer.js';

/** The transport-layer contents of an IP packet. */
export interface TransportSegment {
  /** IP protocol / IPv6 next header of the transport (17 for UDP). */
  protocol: number;
  /** ECN field: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  ecn: number;
  sourceAddress: string;
  destinationAddress: string;
  /** Transport bytes that were captured, clipped to the length the IP header declares. */
  bytes: Uint8Array;
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AUTHENTICATION = 51;
const IPV6_DESTINATION_OPTIONS = 60;

function u16be(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

function ipv4Address(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

function ipv6Address(bytes: Uint8Array, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(u16be(bytes, offset + i).toString(16));
  return groups.join(':');
}

/**
 * Clips the transport bytes to the length the IP header declares, dropping link-layer
 * padding (Ethernet pads short frames to 60 bytes). A declared length of 0 (seen with
 * TCP segmentation offload) or one beyond the capture leaves the captured bytes as they are.
 */
function clip(bytes: Uint8Array, start: number, declaredEnd: number): Uint8Array {
  const end = declaredEnd > start && declaredEnd < bytes.length ? declaredEnd : bytes.length;
  return bytes.subarray(start, end);
}

/** IPv4: header length from IHL; fragments after the first carry no UDP header and are skipped. */
function fromIpv4(packet: Uint8Array): TransportSegment | null {
  if (packet.length < 20 || packet[0] >> 4 !== 4) return null;
  const headerBytes = (packet[0] & 0x0f) * 4;
  if (headerBytes < 20 || packet.length < headerBytes) return null;
  const fragmentOffset = u16be(packet, 6) & 0x1fff;
  if (fragmentOffset !== 0) return null;
  return {
    protocol: packet[9],
    ecn: packet[1] & 0x03,
    sourceAddress: ipv4Address(packet, 12),
    destinationAddress: ipv4Address(packet, 16),
    bytes: clip(packet, headerBytes, u16be(packet, 2)),
  };
}

/**
 * IPv6: walks the extension-header chain (hop-by-hop, routing, destination options,
 * fragment, authentication) to the transport header. Non-first fragments are skipped.
 */
function fromIpv6(packet: Uint8Array): TransportSegment | null {
  if (packet.length < 40 || packet[0] >> 4 !== 6) return null;
  const trafficClass = ((packet[0] & 0x0f) << 4) | (packet[1] >> 4);
  const payloadLength = u16be(packet, 4);
  let nextHeader = packet[6];
  let offset = 40;
  for (;;) {
    if (nextHeader === IPV6_HOP_BY_HOP || nextHeader === IPV6_ROUTING || nextHeader === IPV6_DESTINATION_OPTIONS) {
      if (packet.length < offset + 2) return null;
      const next = packet[offset];
      offset += (packet[offset + 1] + 1) * 8;
      nextHeader = next;
    } else if (nextHeader === IPV6_FRAGMENT) {
      if (packet.length < offset + 8) return null;
      const fragmentOffset = u16be(packet, offset + 2) >> 3;
      if (fragmentOffset !== 0) return null;
      nextHeader = packet[offset];
      offset += 8;
    } else if (nextHeader === IPV6_AUTHENTICATION) {
      if (packet.length < offset + 2) return null;
      const next = packet[offset];
      offset += (packet[offset + 1] + 2) * 4;
      nextHeader = next;
    } else {
      break;
    }
    if (offset > packet.length) return null;
  }
  return {
    protocol: nextHeader,
    ecn: trafficClass & 0x03,
    sourceAddress: ipv6Address(packet, 8),
    destinationAddress: ipv6Address(packet, 24),
    bytes: clip(packet, offset, payloadLength === 0 ? 0 : 40 + payloadLength),
  };
}

/** Strips the IP header(s) of a packet; null when the packet is malformed or a non-first fragment. */
export function transportSegmentOf(packet: NetworkPacket): TransportSegment | null {
  return packet.ipVersion === 4 ? fromIpv4(packet.bytes) : fromIpv6(packet.bytes);
}
