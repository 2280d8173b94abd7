import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { readCsvDelayTrace } from './csv_delay.js';
import { readCsvRtpTrace } from './csv_rtp.js';
import { readPcapFrames } from './pcap.js';
import { readPcapngFrames } from './pcapng.js';
import { rtpPacketsOfFrames, type MalformedRtp, type ReceivedRtpPacket } from './received_rtp.js';
import { readRtpdumpPackets } from './rtpdump.js';
import { buildRtpTrace, type TraceSource } from './rtp_trace.js';
import { detectTraceFormat } from './trace_format.js';
import { TraceError, type ReadTraceOptions, type Trace, type TraceFormat } from './types.js';

/** Extensions removed from the file name to name a trace; removed repeatedly, so "x.pcap.gz" gives "x". */
const TRACE_EXTENSIONS = ['.gz', '.pcap', '.pcapng', '.rtpdump', '.csv'];

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file name without directories and without trace extensions (.pcap, .pcapng, .rtpdump, .csv, .gz). */
export function traceName(path: string): string {
  let name = basename(path);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const extension of TRACE_EXTENSIONS) {
      if (name.length > extension.length && name.toLowerCase().endsWith(extension)) {
        name = name.slice(0, -extension.length);
        stripped = true;
      }
    }
  }
  return name;
}

function gunzip(bytes: Uint8Array, path: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TraceError(path, 0, `gzip data cannot be decompressed: ${reason}`);
  }
}

function describeStart(bytes: Uint8Array): string {
  const hex = [...bytes.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return bytes.length === 0 ? 'the file is empty' : `it starts with ${hex}`;
}

/** The data of a trace file: decompressed, its format recognised from the content (not the name). */
function openTrace(bytes: Uint8Array, path: string): { data: Uint8Array; format: TraceFormat } {
  const compressed = isGzip(bytes);
  const data = compressed ? gunzip(bytes, path) : bytes;
  const format = detectTraceFormat(data);
  if (format === null) {
    const inside = compressed ? 'after gunzip, ' : '';
    throw new TraceError(
      path,
      0,
      `not a trace file: ${inside}${describeStart(data)}, which is neither pcap, pcapng, rtpdump nor a CSV with header "arrival_us,seq,timestamp,payload_bytes" or "send_us,arrival_us"`,
    );
  }
  return { data, format };
}

/** Every RTP packet of a capture or rtpdump file, in capture order; null for the CSV forms (which hold one stream and no RTP headers). */
function capturedRtp(data: Uint8Array, format: TraceFormat, path: string, malformed: MalformedRtp[]): ReceivedRtpPacket[] | null {
  switch (format) {
    case 'pcap':
      return rtpPacketsOfFrames(readPcapFrames(data, path), malformed);
    case 'pcapng':
      return rtpPacketsOfFrames(readPcapngFrames(data, path), malformed);
    case 'rtpdump':
      return readRtpdumpPackets(data, path);
    default:
      return null;
  }
}

/**
 * Reads a trace held in memory. Gzip-compressed data is decompressed first (byte offsets in
 * errors then refer to the decompressed data). The format is recognised from the content, not
 * from the name: pcap, pcapng, rtpdump, or one of the two CSV forms.
 * `path` names the trace and appears in errors.
 *
 * @throws TraceError when the data is not a trace, is malformed or truncated, or holds no RTP stream
 */
export function parseTrace(bytes: Uint8Array, path: string, options: ReadTraceOptions = {}): Trace {
  const { data, format } = openTrace(bytes, path);
  const source: TraceSource = { path, name: traceName(path), format };
  const malformed: MalformedRtp[] = [];
  const rtp = capturedRtp(data, format, path, malformed);
  if (rtp !== null) return buildRtpTrace(rtp, source, options, malformed);
  return format === 'csv-rtp' ? readCsvRtpTrace(data, source) : readCsvDelayTrace(data, source, options);
}

/**
 * Every RTP packet of a capture (pcap, pcapng) or rtpdump file, in capture order, for listing
 * its streams. Malformed RTP is skipped (and listed in `malformed` when given).
 *
 * @throws TraceError when the file cannot be read, is not a trace, or is a CSV trace (one stream, no RTP headers)
 */
export function readRtpPackets(path: string, malformed: MalformedRtp[] = []): ReceivedRtpPacket[] {
  const { data, format } = openTrace(readBytes(path), path);
  const rtp = capturedRtp(data, format, path, malformed);
  if (rtp === null) throw new TraceError(path, 0, `a ${format === 'csv-rtp' ? 'CSV RTP' : 'delay-only CSV'} trace holds one stream and no RTP headers: there are no streams to list`);
  return rtp;
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TraceError(path, 0, `cannot read the file: ${reason}`);
  }
}

/**
 * Reads a trace file synchronously: see parseTrace.
 *
 * @throws TraceError also when the file cannot be read
 */
export function readTrace(path: string, options: ReadTraceOptions = {}): Trace {
  return parseTrace(readBytes(path), path, options);
}
