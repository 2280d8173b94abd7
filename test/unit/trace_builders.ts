/**
 * Builders for small in-memory captures used by the trace tests: RTP packets, UDP over IPv4/IPv6,
 * link-layer frames, and pcap / pcapng / rtpdump files around them. Each writes the wire format
 * field by field, following the format's specification, so a test can state exactly what is in
 * the file it reads back.
 */

/** Appends fixed-size integers and byte runs in a chosen byte order. */
export class ByteWriter {
  private readonly chunks: number[] = [];

  constructor(private readonly littleEndian = false) {}

  get length(): number {
    return this.chunks.length;
  }

  u8(value: number): this {
    this.chunks.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    const bytes = [(value >>> 8) & 0xff, value & 0xff];
    this.chunks.push(...(this.littleEndian ? bytes.reverse() : bytes));
    return this;
  }

  u32(value: number): this {
    const bytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
    this.chunks.push(...(this.littleEndian ? bytes.reverse() : bytes));
    return this;
  }

  bytes(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.chunks.push(values[i] & 0xff);
    return this;
  }

  /** Zero bytes up to the next multiple of 4, as pcapng requires. */
  padTo4(): this {
    while (this.chunks.length % 4 !== 0) this.chunks.push(0);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Bytes 0, 1, 2, ... (mod 256) of the given length: a payload whose content is easy to check. */
export function countingBytes(length: number, start = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

/** Fields of an RTP packet to build (RFC 3550 §5.1). */
export interface RtpSpec {
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  version?: number;
  csrcs?: number[];
  /** Header extension: profile-defined id and its data, whose length must be a multiple of 4. */
  extension?: { profile: number; data: Uint8Array };
  /** Number of padding bytes, the last of which holds the count. */
  paddingBytes?: number;
  payload: Uint8Array;
}

/** Serialises an RTP packet. */
export function rtpBytes(spec: RtpSpec): Uint8Array {
  const csrcs = spec.csrcs ?? [];
  const padding = spec.paddingBytes ?? 0;
  const writer = new ByteWriter();
  writer.u8(((spec.version ?? 2) << 6) | (padding > 0 ? 0x20 : 0) | (spec.extension ? 0x10 : 0) | csrcs.length);
  writer.u8((spec.marker ? 0x80 : 0) | spec.payloadType);
  writer.u16(spec.seq).u32(spec.timestamp).u32(spec.ssrc);
  for (const csrc of csrcs) writer.u32(csrc);
  if (spec.extension) {
    writer.u16(spec.extension.profile).u16(spec.extension.data.length / 4).bytes(spec.extension.data);
  }
  writer.bytes(spec.payload);
  for (let i = 1; i < padding; i++) writer.u8(0);
  if (padding > 0) writer.u8(padding);
  return writer.toBytes();
}

/** A UDP header plus payload (checksum 0: "not computed", which is legal over IPv4). */
export function udpBytes(sourcePort: number, destinationPort: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().u16(sourcePort).u16(destinationPort).u16(8 + payload.length).u16(0).bytes(payload).toBytes();
}

function ipv4AddressBytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** Fields of an IPv4 packet to build. */
export interface Ipv4Spec {
  source: string;
  destination: string;
  payload: Uint8Array;
  protocol?: number;
  ecn?: number;
  /** DSCP goes in the upper 6 bits of TOS; lets a test show that ECN ignores it. */
  dscp?: number;
  /** IP options make IHL larger than 5. */
  optionWords?: number;
  fragmentOffset8?: number;
  moreFragments?: boolean;
}

/** Serialises an IPv4 packet (header checksum left 0: readers do not check it). */
export function ipv4Bytes(spec: Ipv4Spec): Uint8Array {
  const optionWords = spec.optionWords ?? 0;
  const headerBytes = 20 + 4 * optionWords;
  const writer = new ByteWriter();
  writer.u8(0x40 | (headerBytes / 4));
  writer.u8(((spec.dscp ?? 0) << 2) | (spec.ecn ?? 0));
  writer.u16(headerBytes + spec.payload.length);
  writer.u16(0x1234);
  writer.u16((spec.moreFragments ? 0x2000 : 0) | (spec.fragmentOffset8 ?? 0));
  writer.u8(64).u8(spec.protocol ?? 17).u16(0);
  writer.bytes(ipv4AddressBytes(spec.source)).bytes(ipv4AddressBytes(spec.destination));
  for (let i = 0; i < optionWords; i++) writer.u32(0x01010101);
  return writer.bytes(spec.payload).toBytes();
}

/** An IPv6 extension header: its type and its body after the next-header/length bytes. */
export interface Ipv6ExtensionSpec {
  /** 0 hop-by-hop, 43 routing, 44 fragment, 60 destination options. */
  type: number;
  /** For hop-by-hop/routing/dest-options: total length in 8-byte units minus 1. */
  lengthUnits?: number;
  fragmentOffset8?: number;
}

/** Fields of an IPv6 packet to build. */
export interface Ipv6Spec {
  /** Eight 16-bit groups. */
  source: number[];
  destination: number[];
  payload: Uint8Array;
  ecn?: number;
  dscp?: number;
  extensions?: Ipv6ExtensionSpec[];
  protocol?: number;
}

/** Serialises an IPv6 packet with an optional chain of extension headers before the transport. */
export function ipv6Bytes(spec: Ipv6Spec): Uint8Array {
  const extensions = spec.extensions ?? [];
  const chain = new ByteWriter();
  extensions.forEach((extension, i) => {
    const next = i + 1 < extensions.length ? extensions[i + 1].type : (spec.protocol ?? 17);
    if (extension.type === 44) {
      chain.u8(next).u8(0).u16((extension.fragmentOffset8 ?? 0) << 3).u32(0xabcdef01);
    } else {
      const units = extension.lengthUnits ?? 0;
      chain.u8(next).u8(units).bytes(new Uint8Array(6 + 8 * units));
    }
  });
  const body = new ByteWriter().bytes(chain.toBytes()).bytes(spec.payload).toBytes();
  const trafficClass = ((spec.dscp ?? 0) << 2) | (spec.ecn ?? 0);
  const writer = new ByteWriter();
  writer.u32((6 << 28) | (trafficClass << 20) | 0x12345);
  writer.u16(body.length);
  writer.u8(extensions.length > 0 ? extensions[0].type : (spec.protocol ?? 17));
  writer.u8(64);
  for (const group of spec.source) writer.u16(group);
  for (const group of spec.destination) writer.u16(group);
  return writer.bytes(body).toBytes();
}

/** An Ethernet II frame, with 802.1Q tags (TPID 0x8100) for each VLAN id given. */
export function ethernetFrame(etherType: number, payload: Uint8Array, vlanIds: number[] = []): Uint8Array {
  const writer = new ByteWriter();
  writer.bytes([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]).bytes([0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]);
  for (const vlanId of vlanIds) writer.u16(0x8100).u16(vlanId);
  return writer.u16(etherType).bytes(payload).toBytes();
}

/** A Linux cooked capture v1 frame: packet type, ARPHRD, address length, 8-byte address, protocol. */
export function sllFrame(protocol: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().u16(0).u16(1).u16(6).bytes([1, 2, 3, 4, 5, 6, 0, 0]).u16(protocol).bytes(payload).toBytes();
}

/** A Linux cooked capture v2 frame: protocol, reserved, interface index, ARPHRD, packet type, address length, address. */
export function sll2Frame(protocol: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().u16(protocol).u16(0).u32(3).u16(1).u8(0).u8(6).bytes([1, 2, 3, 4, 5, 6, 0, 0]).bytes(payload).toBytes();
}

/** A BSD loopback frame: the address family as a 32-bit value in the capturing host's byte order. */
export function nullFrame(family: number, payload: Uint8Array, littleEndianHost: boolean): Uint8Array {
  return new ByteWriter(littleEndianHost).u32(family).bytes(payload).toBytes();
}

/** One record of a pcap file. */
export interface PcapRecord {
  seconds: number;
  /** Microseconds, or nanoseconds in a nanosecond pcap. */
  fraction: number;
  data: Uint8Array;
  /** Bytes to keep, as a snaplen would (default: all). */
  capturedLength?: number;
}

/** Options of a pcap file. */
export interface PcapSpec {
  linkType: number;
  littleEndian?: boolean;
  nanosecond?: boolean;
  records: PcapRecord[];
}

/** Serialises a classic pcap file (version 2.4). */
export function pcapFile(spec: PcapSpec): Uint8Array {
  const writer = new ByteWriter(spec.littleEndian ?? true);
  writer.u32(spec.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(spec.linkType);
  for (const record of spec.records) {
    const captured = record.data.subarray(0, record.capturedLength ?? record.data.length);
    writer.u32(record.seconds).u32(record.fraction).u32(captured.length).u32(record.data.length).bytes(captured);
  }
  return writer.toBytes();
}

/** A pcapng interface: link type, optional if_tsresol byte and snap length. */
export interface PcapngInterfaceSpec {
  linkType: number;
  tsresol?: number;
  snapLength?: number;
}

/** A block of a pcapng section. */
export type PcapngBlockSpec =
  | { kind: 'enhanced'; interfaceId: number; ticks: bigint; data: Uint8Array; capturedLength?: number }
  | { kind: 'simple'; data: Uint8Array }
  | { kind: 'other'; type: number; body: Uint8Array };

/** A pcapng section: its byte order, interfaces and the blocks after them. */
export interface PcapngSectionSpec {
  littleEndian: boolean;
  interfaces: PcapngInterfaceSpec[];
  blocks: PcapngBlockSpec[];
}

/** Wraps a block body in type, total length and trailing total length. */
function pcapngBlock(littleEndian: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = new ByteWriter(littleEndian).bytes(body).padTo4().toBytes();
  const total = 12 + padded.length;
  return new ByteWriter(littleEndian).u32(type).u32(total).bytes(padded).u32(total).toBytes();
}

/** Serialises a pcapng file of one or more sections. */
export function pcapngFile(sections: PcapngSectionSpec[]): Uint8Array {
  const file = new ByteWriter();
  for (const section of sections) {
    const le = section.littleEndian;
    const sectionHeader = new ByteWriter(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).toBytes();
    file.bytes(pcapngBlock(le, 0x0a0d0d0a, sectionHeader));
    for (const captureInterface of section.interfaces) {
      const body = new ByteWriter(le).u16(captureInterface.linkType).u16(0).u32(captureInterface.snapLength ?? 0);
      if (captureInterface.tsresol !== undefined) body.u16(9).u16(1).u8(captureInterface.tsresol).padTo4();
      body.u16(0).u16(0);
      file.bytes(pcapngBlock(le, 1, body.toBytes()));
    }
    for (const block of section.blocks) {
      if (block.kind === 'enhanced') {
        const captured = block.data.subarray(0, block.capturedLength ?? block.data.length);
        const body = new ByteWriter(le)
          .u32(block.interfaceId)
          .u32(Number(block.ticks >> 32n))
          .u32(Number(block.ticks & 0xffffffffn))
          .u32(captured.length)
          .u32(block.data.length)
          .bytes(captured)
          .toBytes();
        file.bytes(pcapngBlock(le, 6, body));
      } else if (block.kind === 'simple') {
        file.bytes(pcapngBlock(le, 3, new ByteWriter(le).u32(block.data.length).bytes(block.data).toBytes()));
      } else {
        file.bytes(pcapngBlock(le, block.type, block.body));
      }
    }
  }
  return file.toBytes();
}

/** One record of an rtpdump file. */
export interface RtpdumpRecord {
  offsetMs: number;
  /** The RTP (or RTCP) packet. */
  packet: Uint8Array;
  /** Marks an RTCP record (plen 0). */
  rtcp?: boolean;
  /** Bytes of the packet to store, as `rtpdump -F header` keeps only the headers (default: all). */
  storedLength?: number;
}

/** Serialises an rtptools rtpdump file (network byte order). */
export function rtpdumpFile(records: RtpdumpRecord[]): Uint8Array {
  const writer = new ByteWriter(false);
  writer.bytes(new TextEncoder().encode('#!rtpplay1.0 192.0.2.1/5004\n'));
  writer.u32(1_700_000_000).u32(250_000).u32(0xc0000201).u16(5004).u16(0);
  for (const record of records) {
    const stored = record.packet.subarray(0, record.storedLength ?? record.packet.length);
    writer.u16(8 + stored.length).u16(record.rtcp ? 0 : record.packet.length).u32(record.offsetMs).bytes(stored);
  }
  return writer.toBytes();
}

/** An IPv4/UDP/RTP datagram in an Ethernet frame: the usual shape of a captured voice packet. */
export function ethernetRtpFrame(rtp: Uint8Array, source = '203.0.113.5', destination = '192.168.1.20', ecn = 0): Uint8Array {
  return ethernetFrame(0x0800, ipv4Bytes({ source, destination, ecn, payload: udpBytes(40000, 50000, rtp) }));
}
