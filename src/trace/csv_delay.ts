import { CSV_DELAY_HEADER, readCsvRows } from './csv.js';
import type { TraceSource } from './rtp_trace.js';
import { TraceError, type ReadTraceOptions, type Trace } from './types.js';
import { SYNTHESISED_CLOCK_RATE, synthesiseVoiceStream } from './voice_from_delays.js';

/** Packet duration of the synthesised stream when options.frameMs is not given. */
export const DEFAULT_FRAME_MS = 20;

/**
 * Reads a `send_us,arrival_us` delay-only trace (one row per received probe) and turns it into a
 * synthesised voice stream of options.frameMs packets (default 20 ms): see synthesiseVoiceStream.
 */
export function readCsvDelayTrace(bytes: Uint8Array, source: TraceSource, options: ReadTraceOptions = {}): Trace {
  const file = source.path;
  const frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
  if (!Number.isFinite(frameMs) || frameMs <= 0) {
    throw new TraceError(file, 0, `frameMs must be a positive number of milliseconds, got ${frameMs}`);
  }
  const rows = readCsvRows(bytes, file, CSV_DELAY_HEADER);
  if (rows.length === 0) throw new TraceError(file, 0, 'the CSV has a header but no probes');
  const probes = rows.map((row) => ({ sendUs: row.values[0], arrivalUs: row.values[1] }));
  return {
    path: file,
    name: source.name,
    format: 'csv-delay',
    ssrc: null,
    clockRate: SYNTHESISED_CLOCK_RATE,
    clockRateSource: 'synthesised',
    flows: [],
    payloadType: -1,
    packets: synthesiseVoiceStream(probes, frameMs).packets,
  };
}
