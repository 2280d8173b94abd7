import { csvFormOf } from './csv.js';
import { isPcap } from './pcap.js';
import { isPcapng } from './pcapng.js';
import { isRtpdump } from './rtpdump.js';
import type { TraceFormat } from './types.js';

/**
 * Recognises a (decompressed) trace by its first bytes: a pcap or pcapng magic number, the
 * "#!rtpplay1.0" line of rtpdump, or one of the two CSV header lines. Null for anything else.
 */
export function detectTraceFormat(bytes: Uint8Array): TraceFormat | null {
  if (isPcap(bytes)) return 'pcap';
  if (isPcapng(bytes)) return 'pcapng';
  if (isRtpdump(bytes)) return 'rtpdump';
  return csvFormOf(bytes);
}
