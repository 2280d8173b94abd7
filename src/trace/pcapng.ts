import { ByteView } from './byte_view.js';
import type { CapturedFrame } from './captured_frame.js';
import { TraceError } from './types.js';

const SECTION_HEADER_BLOCK = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
const SIMPLE_PACKET_BLOCK = 0x00000003;
const ENHANCED_PACKET_BLOCK = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

/** Smallest possible block: type, total length, trailing total length. */
const MIN_BLOCK_BYTES = 12;

/** What a packet block needs to know about the interface that captured it. */
interface CaptureInterface {
  linkType: number;
  /** 0 means "no limit". */
  snapLength: number;
  /** Converts a 64-bit tick count of this interface into whole microseconds. */
  ticksToUs: (ticks: bigint) => bigint;
  /** if_tsoffset: seconds to add to every timestamp. */
  offsetSeconds: bigint;
}

/** True when the bytes start with a pcapng Section Header Block. */
export function isPcapng(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a
  );
}

/**
 * Builds the tick→µs conversion for an if_tsresol value: 10^-v seconds per tick when the
 * top bit is clear, 2^-v when it is set. Rounds half up, so ticks finer than 1 µs land on
 * the nearest microsecond.
 */
function tickConverter(tsresol: number): (ticks: bigint) => bigint {
  const exponent = BigInt(tsresol & 0x7f);
  if ((tsresol & 0x80) !== 0) {
    if (exponent === 0n) return (ticks) => ticks * 1_000_000n;
    const half = 1n << (exponent - 1n);
    return (ticks) => (ticks * 1_000_000n + half) >> exponent;
  }
  if (exponent <= 6n) {
    const factor = 10n ** (6n - exponent);
    return (ticks) => ticks * factor;
  }
  const divisor = 10n ** (exponent - 6n);
  return (ticks) => (ticks + divisor / 2n) / divisor;
}

/**
 * Reads the options of an Interface Description Block that affect timestamps.
 * Options are code/length/value records padded to 4 bytes, ending at opt_endofopt or the block's end.
 */
function readInterface(view: ByteView, blockOffset: number, blockLength: number): CaptureInterface {
  const linkType = view.u16(blockOffset + 8, 'interface link type');
  const snapLength = view.u32(blockOffset + 12, 'interface snap length');
  let tsresol = 6;
  let offsetSeconds = 0n;

  const optionsEnd = blockOffset + blockLength - 4;
  let offset = blockOffset + 16;
  while (offset + 4 <= optionsEnd) {
    const code = view.u16(offset, 'interface option code');
    const length = view.u16(offset + 2, 'interface option length');
    if (code === OPTION_END) break;
    const valueOffset = offset + 4;
    if (valueOffset + length > optionsEnd) {
      throw new TraceError(view.file, offset, `interface option ${code} of ${length} bytes overruns its block`);
    }
    if (code === OPTION_IF_TSRESOL && length >= 1) tsresol = view.u8(valueOffset, 'if_tsresol');
    if (code === OPTION_IF_TSOFFSET && length >= 8) offsetSeconds = view.i64(valueOffset, 'if_tsoffset');
    offset = valueOffset + Math.ceil(length / 4) * 4;
  }
  // Finer than 10^-30 s is no clock at all: a corrupt option, not a resolution to honour.
  if ((tsresol & 0x7f) > 30 && (tsresol & 0x80) === 0) {
    throw new TraceError(view.file, blockOffset, `unsupported if_tsresol 10^-${tsresol}`);
  }
  return { linkType, snapLength, ticksToUs: tickConverter(tsresol), offsetSeconds };
}

/** Reads the byte-order magic of a Section Header Block and returns its endianness. */
function sectionByteOrder(view: ByteView, blockOffset: number): boolean {
  view.require(blockOffset, 12, 'section header block');
  const bytes = view.bytes;
  const bigEndianMagic =
    ((bytes[blockOffset + 8] << 24) | (bytes[blockOffset + 9] << 16) | (bytes[blockOffset + 10] << 8) | bytes[blockOffset + 11]) >>> 0;
  if (bigEndianMagic === BYTE_ORDER_MAGIC) return false;
  if (bigEndianMagic === 0x4d3c2b1a) return true;
  throw new TraceError(view.file, blockOffset + 8, 'bad byte-order magic in pcapng section header');
}

/** Looks up the interface a packet block refers to, failing when the file never described it. */
function interfaceOf(view: ByteView, interfaces: CaptureInterface[], id: number, blockOffset: number): CaptureInterface {
  const found = interfaces[id];
  if (found === undefined) {
    throw new TraceError(view.file, blockOffset, `packet refers to interface ${id}, but the section describes ${interfaces.length}`);
  }
  return found;
}

/**
 * Iterates the packets of a pcapng file in file order.
 *
 * Handles any number of sections (each with its own byte order and interfaces) and any
 * number of interfaces, converting each interface's timestamp resolution to whole µs.
 * Enhanced and Simple Packet Blocks give frames; every other block is skipped.
 * Simple Packet Blocks carry no timestamp, so their frames have `timeUs` null.
 */
export function* readPcapngFrames(bytes: Uint8Array, file: string): Generator<CapturedFrame> {
  if (!isPcapng(bytes)) throw new TraceError(file, 0, 'not a pcapng file (no Section Header Block at the start)');
  const view = new ByteView(bytes, file, true);
  let interfaces: CaptureInterface[] = [];

  let offset = 0;
  while (offset < view.length) {
    view.require(offset, 8, 'pcapng block header');
    // The section header's type reads the same in both byte orders; its byte-order magic sets the order of everything after it.
    if (isPcapng(bytes.subarray(offset))) view.littleEndian = sectionByteOrder(view, offset);
    const type = view.u32(offset, 'pcapng block type');
    const blockLength = view.u32(offset + 4, 'pcapng block length');
    if (blockLength < MIN_BLOCK_BYTES || blockLength % 4 !== 0) {
      throw new TraceError(file, offset + 4, `bad pcapng block length ${blockLength} (must be a multiple of 4, at least 12)`);
    }
    view.require(offset, blockLength, `pcapng block of type 0x${type.toString(16)}`);
    const trailingLength = view.u32(offset + blockLength - 4, 'pcapng trailing block length');
    if (trailingLength !== blockLength) {
      throw new TraceError(
        file,
        offset + blockLength - 4,
        `pcapng block length mismatch: header says ${blockLength}, trailer says ${trailingLength}`,
      );
    }

    if (type === SECTION_HEADER_BLOCK) {
      const versionMajor = view.u16(offset + 12, 'pcapng version');
      if (versionMajor !== 1) throw new TraceError(file, offset + 12, `unsupported pcapng version ${versionMajor}`);
      interfaces = [];
    } else if (type === INTERFACE_DESCRIPTION_BLOCK) {
      interfaces.push(readInterface(view, offset, blockLength));
    } else if (type === ENHANCED_PACKET_BLOCK) {
      yield readEnhancedPacket(view, interfaces, offset, blockLength);
    } else if (type === SIMPLE_PACKET_BLOCK) {
      yield readSimplePacket(view, interfaces, offset, blockLength);
    }
    offset += blockLength;
  }
}

/** Decodes an Enhanced Packet Block: interface id, 64-bit timestamp, captured and original length, data. */
function readEnhancedPacket(view: ByteView, interfaces: CaptureInterface[], offset: number, blockLength: number): CapturedFrame {
  const captureInterface = interfaceOf(view, interfaces, view.u32(offset + 8, 'EPB interface id'), offset);
  const ticks = (BigInt(view.u32(offset + 12, 'EPB timestamp (high)')) << 32n) | BigInt(view.u32(offset + 16, 'EPB timestamp (low)'));
  const capturedLength = view.u32(offset + 20, 'EPB captured length');
  const originalLength = view.u32(offset + 24, 'EPB original length');
  const dataOffset = offset + 28;
  if (dataOffset + capturedLength > offset + blockLength - 4) {
    throw new TraceError(view.file, offset + 20, `EPB captured length ${capturedLength} overruns its ${blockLength}-byte block`);
  }
  const timeUs = captureInterface.ticksToUs(ticks) + captureInterface.offsetSeconds * 1_000_000n;
  return {
    timeUs: Number(timeUs),
    linkType: captureInterface.linkType,
    data: view.slice(dataOffset, capturedLength, 'EPB data'),
    originalLength,
    fileOffset: offset,
  };
}

/**
 * Decodes a Simple Packet Block. It stores only the original length, so the captured length is
 * whatever fits in the block, capped by interface 0's snap length (the block belongs to interface 0).
 */
function readSimplePacket(view: ByteView, interfaces: CaptureInterface[], offset: number, blockLength: number): CapturedFrame {
  const captureInterface = interfaceOf(view, interfaces, 0, offset);
  const originalLength = view.u32(offset + 8, 'SPB original length');
  const room = blockLength - 16;
  let capturedLength = Math.min(originalLength, room);
  if (captureInterface.snapLength > 0) capturedLength = Math.min(capturedLength, captureInterface.snapLength);
  return {
    timeUs: null,
    linkType: captureInterface.linkType,
    data: view.slice(offset + 12, capturedLength, 'SPB data'),
    originalLength,
    fileOffset: offset,
  };
}
