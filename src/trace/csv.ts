import { TraceError } from './types.js';

/** Header of an RTP trace without payloads (one row per received packet). */
export const CSV_RTP_HEADER = ['arrival_us', 'seq', 'timestamp', 'payload_bytes'] as const;
/** Header of a delay-only trace (one row per received probe). */
export const CSV_DELAY_HEADER = ['send_us', 'arrival_us'] as const;

/** Which CSV form a header line announces. */
export type CsvForm = 'csv-rtp' | 'csv-delay';

/** One data row: its numbers and where it is, for error messages. */
export interface CsvRow {
  values: number[];
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the row's first character. */
  offset: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** A plain decimal number, optionally signed, with optional fraction and exponent. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A header longer than this is not one of ours; avoids decoding a whole binary file. */
const MAX_HEADER_BYTES = 256;

const decoder = new TextDecoder('utf-8');

/** One line of the file with its position; `text` has no line terminator. */
interface Line {
  text: string;
  number: number;
  offset: number;
}

/** Splits the bytes into lines, keeping each line's byte offset exact even if the file holds non-ASCII text. */
function* linesOf(bytes: Uint8Array): Generator<Line> {
  let start = UTF8_BOM.every((byte, i) => bytes[i] === byte) ? UTF8_BOM.length : 0;
  let number = 1;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const text = decoder.decode(bytes.subarray(start, end)).replace(/\r$/, '');
    yield { text, number, offset: start };
    start = end + 1;
    number++;
  }
}

function headerFields(text: string): string[] {
  return text.split(',').map((field) => field.trim().toLowerCase());
}

function sameFields(fields: readonly string[], expected: readonly string[]): boolean {
  return fields.length === expected.length && fields.every((field, i) => field === expected[i]);
}

/** The CSV form announced by the first line, or null when the bytes do not start with one of the two headers. */
export function csvFormOf(bytes: Uint8Array): CsvForm | null {
  const first = linesOf(bytes.subarray(0, MAX_HEADER_BYTES)).next();
  if (first.done) return null;
  const fields = headerFields(first.value.text);
  if (sameFields(fields, CSV_RTP_HEADER)) return 'csv-rtp';
  if (sameFields(fields, CSV_DELAY_HEADER)) return 'csv-delay';
  return null;
}

/**
 * Reads the data rows of a CSV trace whose first line must be `header`.
 * Blank lines are ignored. A row with the wrong number of fields, or a field that is not a
 * decimal number, is a TraceError giving the row's byte offset and line number.
 */
export function readCsvRows(bytes: Uint8Array, file: string, header: readonly string[]): CsvRow[] {
  const rows: CsvRow[] = [];
  let sawHeader = false;
  for (const line of linesOf(bytes)) {
    if (!sawHeader) {
      if (!sameFields(headerFields(line.text), header)) {
        throw new TraceError(file, line.offset, `line ${line.number}: expected the CSV header "${header.join(',')}"`);
      }
      sawHeader = true;
      continue;
    }
    if (line.text.trim() === '') continue;
    const fields = line.text.split(',').map((field) => field.trim());
    if (fields.length !== header.length) {
      throw new TraceError(file, line.offset, `line ${line.number}: expected ${header.length} fields (${header.join(',')}), found ${fields.length}`);
    }
    const values = fields.map((field, column) => {
      if (!NUMBER_PATTERN.test(field)) {
        throw new TraceError(file, line.offset, `line ${line.number}: ${header[column]} "${field}" is not a number`);
      }
      return Number(field);
    });
    rows.push({ values, line: line.number, offset: line.offset });
  }
  if (!sawHeader) throw new TraceError(file, 0, `empty file: expected the CSV header "${header.join(',')}"`);
  return rows;
}
