// Which files of a trace folder to replay: one per trace, the capture itself
// where the replay can read it (pcap, pcapng, rtpdump under every ending
// tools give them, gzipped or not), else its CSV conversion (delay-only
// sources: irtt JSON, ping logs, mahimahi). The readers recognise a format
// from the content; the endings only say which files of a folder are traces.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Capture endings the readers take directly, preferred over a CSV: pcap and pcapng, `.cap`
 * (tcpdump and Wireshark's older name), `.rtpdump`, `.rtp` and `.dump` (what rtptools and
 * Wireshark's RTP export write), each maybe gzipped. Longest first, so `.pcap.gz` wins over `.gz`.
 */
const CAPTURE_ENDINGS = ['.pcapng', '.pcap', '.cap', '.rtpdump', '.rtp', '.dump'].flatMap((ending) => [`${ending}.gz`, ending]);

export interface TraceFile {
  /** Trace name: the file name without its capture or CSV ending. */
  name: string;
  path: string;
}

/** Lists the traces of a folder, one file each, sorted by name. */
export function traceFiles(dir: string): TraceFile[] {
  const files = readdirSync(dir);
  const chosen = new Map<string, string>();
  for (const file of files) {
    const capture = CAPTURE_ENDINGS.find((ending) => file.endsWith(ending));
    if (capture) chosen.set(file.slice(0, -capture.length), file);
  }
  for (const file of files) {
    const csv = ['.csv.gz', '.csv'].find((ending) => file.endsWith(ending));
    if (!csv) continue;
    const name = file.slice(0, -csv.length);
    if (!chosen.has(name)) chosen.set(name, file);
  }
  return [...chosen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, file]) => ({ name, path: join(dir, file) }));
}

/** The shared trace folder beside the project (../shared/traces/raw), or the sample set shipped in the package. */
export function defaultTraceDir(): string {
  for (const rel of ['../../../shared/traces/raw', '../../../../shared/traces/raw']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  for (const rel of ['../../assets/traces', '../../../assets/traces']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('no trace folder: ../shared/traces/raw is absent and the package has no assets/traces');
}
