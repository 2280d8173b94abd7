import { ByteView } from './byte_view.js';
import type { ReceivedRtpPacket } from './received_rtp.js';
import { parseRtp } from './rtp.js';
import { TraceError } from './types.js';

/** First line of an rtpdump file written by rtptools' rtpdump -F dump, up to the address. */
const RTPDUMP_MAGIC = '#!rtpplay1.0';
/** The first line is "#!rtpplay1.0 address/port\n"; an address never needs more than this. */
const MAX_FIRST_LINE_BYTES = 1024;
/** RD_hdr_t: start seconds, start microseconds, source address, port, padding. */
const FILE_HEADER_BYTES = 16;
/** RD_packet_t: length (including itself), RTP packet length (0 for RTCP), offset in ms. */
const PACKET_HEADER_BYTES = 8;

/** True when the bytes start with the "#!rtpplay1.0" line of an rtpdump file. */
export function isRtpdump(bytes: Uint8Array): boolean {
  if (bytes.length < RTPDUMP_MAGIC.length) return false;
  for (let i = 0; i < RTPDUMP_MAGIC.length; i++) {
    if (bytes[i] !== RTPDUMP_MAGIC.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Reads the RTP packets of an rtptools rtpdump file (binary "dump" format), in file order.
 *
 * Arrival times are the recorded millisecond offsets, in µs. RTCP records (plen 0) and records
 * that do not parse as RTP are skipped. The file records neither ECN nor addresses.
 * A record cut short by the end of the file is a TraceError.
 */
export function readRtpdumpPackets(bytes: Uint8Array, file: string): ReceivedRtpPacket[] {
  if (!isRtpdump(bytes)) throw new TraceError(file, 0, `not an rtpdump file (no "${RTPDUMP_MAGIC}" line)`);
  const lineEnd = bytes.subarray(0, MAX_FIRST_LINE_BYTES).indexOf(0x0a);
  if (lineEnd < 0) throw new TraceError(file, 0, `rtpdump first line has no end within ${MAX_FIRST_LINE_BYTES} bytes`);

  const view = new ByteView(bytes, file, false);
  view.require(lineEnd + 1, FILE_HEADER_BYTES, 'rtpdump file header');
  const packets: ReceivedRtpPacket[] = [];
  let offset = lineEnd + 1 + FILE_HEADER_BYTES;
  while (offset < view.length) {
    view.require(offset, PACKET_HEADER_BYTES, 'rtpdump packet header');
    const recordLength = view.u16(offset, 'rtpdump record length');
    const packetLength = view.u16(offset + 2, 'rtpdump packet length');
    const offsetMs = view.u32(offset + 4, 'rtpdump time offset');
    if (recordLength < PACKET_HEADER_BYTES) {
      throw new TraceError(file, offset, `bad rtpdump record length ${recordLength} (less than its 8-byte header)`);
    }
    const captured = view.slice(offset + PACKET_HEADER_BYTES, recordLength - PACKET_HEADER_BYTES, 'rtpdump packet');
    // plen 0 marks RTCP; the record may hold only the first bytes of the packet (rtpdump -F header).
    const rtp = packetLength === 0 ? null : parseRtp(captured, packetLength);
    if (rtp !== null) {
      packets.push({ arrivalUs: offsetMs * 1000, ecn: -1, rtp, endpoints: null, fileOffset: offset });
    }
    offset += recordLength;
  }
  return packets;
}
