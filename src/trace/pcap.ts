import { ByteView } from './byte_view.js';
import type { CapturedFrame } from './captured_frame.js';
import { TraceError } from './types.js';

/** Size of the pcap global header. */
const GLOBAL_HEADER_BYTES = 24;
/** Size of the header in front of every pcap record. */
const RECORD_HEADER_BYTES = 16;

/** Byte order and timestamp unit announced by a pcap magic number. */
interface PcapVariant {
  littleEndian: boolean;
  nanosecond: boolean;
}

/**
 * Identifies the pcap variant from the first four bytes, or returns null.
 * The magic is written in the writer's byte order, so reading it big-endian tells the order apart.
 */
function pcapVariant(bytes: Uint8Array): PcapVariant | null {
  if (bytes.length < 4) return null;
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  switch (magic) {
    case 0xa1b2c3d4:
      return { littleEndian: false, nanosecond: false };
    case 0xd4c3b2a1:
      return { littleEndian: true, nanosecond: false };
    case 0xa1b23c4d:
      return { littleEndian: false, nanosecond: true };
    case 0x4d3cb2a1:
      return { littleEndian: true, nanosecond: true };
    default:
      return null;
  }
}

/** True when the bytes start with a pcap magic number (microsecond or nanosecond, either byte order). */
export function isPcap(bytes: Uint8Array): boolean {
  return pcapVariant(bytes) !== null;
}

/**
 * Iterates the frames of a classic pcap file in file order.
 *
 * Times are converted to whole microseconds (nanosecond files are rounded).
 * A record header or body cut short by the end of the file is a TraceError,
 * because a silently dropped tail would change the replay.
 */
export function* readPcapFrames(bytes: Uint8Array, file: string): Generator<CapturedFrame> {
  const variant = pcapVariant(bytes);
  if (variant === null) throw new TraceError(file, 0, 'not a pcap file (unknown magic number)');
  const view = new ByteView(bytes, file, variant.littleEndian);
  view.require(0, GLOBAL_HEADER_BYTES, 'pcap global header');
  const versionMajor = view.u16(4, 'pcap version');
  if (versionMajor !== 2) {
    throw new TraceError(file, 4, `unsupported pcap version ${versionMajor} (expected 2)`);
  }
  // The upper bits of the link-type field carry FCS information, not the link type.
  const linkType = view.u32(20, 'pcap link type') & 0xffff;

  let offset = GLOBAL_HEADER_BYTES;
  while (offset < view.length) {
    view.require(offset, RECORD_HEADER_BYTES, 'pcap record header');
    const seconds = view.u32(offset, 'pcap record seconds');
    const fraction = view.u32(offset + 4, 'pcap record sub-second time');
    const capturedLength = view.u32(offset + 8, 'pcap record captured length');
    const originalLength = view.u32(offset + 12, 'pcap record original length');
    const data = view.slice(offset + RECORD_HEADER_BYTES, capturedLength, 'pcap record body');
    const subSecondUs = variant.nanosecond ? Math.round(fraction / 1000) : fraction;
    yield {
      timeUs: seconds * 1_000_000 + subSecondUs,
      linkType,
      data,
      originalLength,
      fileOffset: offset,
    };
    offset += RECORD_HEADER_BYTES + capturedLength;
  }
}
