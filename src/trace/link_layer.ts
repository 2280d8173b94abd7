/** LINKTYPE_* values this reader understands (see tcpdump.org/linktypes.html). */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  ETHERNET: 1,
  /** Raw IP; the version nibble tells IPv4 from IPv6. */
  RAW: 101,
  /** Linux "cooked" capture v1 (16-byte header). */
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  /** Linux "cooked" capture v2 (20-byte header). */
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q, 802.1ad (QinQ) and the old pre-standard QinQ tag: each adds 4 bytes before the real EtherType. */
const VLAN_ETHERTYPES = new Set([0x8100, 0x88a8, 0x9100]);

/** Address-family values of IPv6 in BSD loopback headers differ between BSDs. */
const NULL_AF_INET = 2;
const NULL_AF_INET6 = new Set([24, 28, 30]);

/** The network-layer packet inside a frame. */
export interface NetworkPacket {
  /** 4 or 6. */
  ipVersion: 4 | 6;
  /** The IP packet from its first header byte to the end of the captured frame. */
  bytes: Uint8Array;
}

function u16be(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/** Maps an EtherType to an IP version, or null for anything that is not IP. */
function ipVersionOfEtherType(etherType: number): 4 | 6 | null {
  if (etherType === ETHERTYPE_IPV4) return 4;
  if (etherType === ETHERTYPE_IPV6) return 6;
  return null;
}

/** Reads the IP version from the first nibble, for link types that carry bare IP. */
function ipVersionOfFirstNibble(bytes: Uint8Array, offset: number): 4 | 6 | null {
  if (offset >= bytes.length) return null;
  const version = bytes[offset] >> 4;
  return version === 4 || version === 6 ? version : null;
}

function packetAt(frame: Uint8Array, offset: number, ipVersion: 4 | 6 | null): NetworkPacket | null {
  if (ipVersion === null || offset >= frame.length) return null;
  return { ipVersion, bytes: frame.subarray(offset) };
}

/** Ethernet II, stepping over any number of VLAN tags. 802.3 length frames are not IP. */
function fromEthernet(frame: Uint8Array): NetworkPacket | null {
  let offset = 12;
  if (frame.length < offset + 2) return null;
  let etherType = u16be(frame, offset);
  while (VLAN_ETHERTYPES.has(etherType)) {
    offset += 4;
    if (frame.length < offset + 2) return null;
    etherType = u16be(frame, offset);
  }
  return packetAt(frame, offset + 2, ipVersionOfEtherType(etherType));
}

/** BSD loopback: the family is in host byte order, so a non-zero first byte means little-endian. */
function fromNull(frame: Uint8Array): NetworkPacket | null {
  if (frame.length < 4) return null;
  const littleEndianFamily = frame[0] | (frame[1] << 8) | (frame[2] << 16) | (frame[3] << 24);
  const bigEndianFamily = (frame[0] << 24) | (frame[1] << 16) | (frame[2] << 8) | frame[3];
  const family = frame[0] !== 0 ? littleEndianFamily : bigEndianFamily;
  if (family === NULL_AF_INET) return packetAt(frame, 4, 4);
  if (NULL_AF_INET6.has(family)) return packetAt(frame, 4, 6);
  return null;
}

/**
 * Finds the IP packet inside a link-layer frame.
 * Returns null for link types or protocols other than IP: those frames are simply not RTP.
 */
export function networkPacketOf(linkType: number, frame: Uint8Array): NetworkPacket | null {
  switch (linkType) {
    case LinkType.ETHERNET:
      return fromEthernet(frame);
    case LinkType.LINUX_SLL:
      return frame.length >= 16 ? packetAt(frame, 16, ipVersionOfEtherType(u16be(frame, 14))) : null;
    case LinkType.LINUX_SLL2:
      return frame.length >= 20 ? packetAt(frame, 20, ipVersionOfEtherType(u16be(frame, 0))) : null;
    case LinkType.RAW:
      return packetAt(frame, 0, ipVersionOfFirstNibble(frame, 0));
    case LinkType.IPV4:
      return packetAt(frame, 0, 4);
    case LinkType.IPV6:
      return packetAt(frame, 0, 6);
    case LinkType.NULL:
      return fromNull(frame);
    default:
      return null;
  }
}
