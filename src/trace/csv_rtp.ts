import { inferClockRate } from './clock_rate.js';
import { CSV_RTP_HEADER, readCsvRows, type CsvRow } from './csv.js';
import type { TraceSource } from './rtp_trace.js';
import { TraceError, type Trace, type TracePacket } from './types.js';

const MAX_SEQ = 0xffff;
const MAX_TIMESTAMP = 0xffffffff;

/** Fails unless the value in `column` of `row` is an integer in [min, max]. */
function integerField(row: CsvRow, column: number, min: number, max: number, file: string): number {
  const value = row.values[column];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TraceError(file, row.offset, `line ${row.line}: ${CSV_RTP_HEADER[column]} ${value} is not an integer in ${min}..${max}`);
  }
  return value;
}

/**
 * Reads an `arrival_us,seq,timestamp,payload_bytes` trace: an RTP stream without payloads,
 * payload types or ECN. Arrival times are made relative to the first row (rounded to whole µs),
 * and the clock rate is inferred from timestamps against arrivals.
 */
export function readCsvRtpTrace(bytes: Uint8Array, source: TraceSource): Trace {
  const file = source.path;
  const rows = readCsvRows(bytes, file, CSV_RTP_HEADER);
  if (rows.length === 0) throw new TraceError(file, 0, 'the CSV has a header but no packets');
  const firstArrivalUs = rows[0].values[0];
  const packets: TracePacket[] = rows.map((row) => ({
    arrivalUs: Math.round(row.values[0] - firstArrivalUs),
    seq: integerField(row, 1, 0, MAX_SEQ, file),
    timestamp: integerField(row, 2, 0, MAX_TIMESTAMP, file),
    payloadType: -1,
    marker: false,
    payload: null,
    payloadBytes: integerField(row, 3, 0, Number.MAX_SAFE_INTEGER, file),
    ecn: -1,
  }));
  const clockRate = inferClockRate(packets);
  if (clockRate === null) {
    throw new TraceError(file, rows[0].offset, 'cannot infer the clock rate: too few packets with advancing timestamps and arrival times');
  }
  return {
    path: file,
    name: source.name,
    format: 'csv-rtp',
    ssrc: null,
    clockRate,
    clockRateSource: 'inferred',
    flows: [],
    payloadType: -1,
    packets,
  };
}
