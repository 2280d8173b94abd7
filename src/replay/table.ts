import { SHORT_EPISODE_MS, type Artefacts } from './artefacts.js';
import type { Metrics } from './types.js';

/** One column of a {@link formatTable} table. */
export interface TableColumn {
  /** Row field shown in the column. */
  key: string;
  /** Header text. */
  title: string;
  /** Decimal places for numbers; when absent, integers show none and other numbers two. */
  digits?: number;
  /** Alignment; when absent, right if any cell of the column is a number, else left. */
  align?: 'left' | 'right';
}

const COLUMN_GAP = '  ';
const DEFAULT_FRACTION_DIGITS = 2;

function formatCell(value: string | number | undefined, digits: number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (digits !== undefined) return value.toFixed(digits);
  return Number.isInteger(value) ? String(value) : value.toFixed(DEFAULT_FRACTION_DIGITS);
}

/**
 * A plain-text table for the terminal: a header row, a rule of dashes, then one
 * line per row, columns separated by two spaces. Numbers are printed with the
 * column's fixed `digits` and right-aligned so their decimal points line up;
 * strings are left-aligned. A missing field leaves its cell blank. Trailing
 * spaces are trimmed.
 */
export function formatTable(rows: Record<string, string | number>[], columns: TableColumn[]): string {
  const cellText = rows.map((row) => columns.map((column) => formatCell(row[column.key], column.digits)));
  const alignments = columns.map(
    (column) => column.align ?? (rows.some((row) => typeof row[column.key] === 'number') ? 'right' : 'left'),
  );
  const widths = columns.map((column, c) =>
    Math.max(column.title.length, ...cellText.map((cells) => cells[c].length)),
  );

  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (alignments[c] === 'right' ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join(COLUMN_GAP)
      .trimEnd();

  return [
    line(columns.map((column) => column.title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cellText.map(line),
  ].join('\n');
}

/** How one metric is printed: decimal places and a unit suffix. */
interface MetricFormat {
  digits: number;
  unit: string;
  /** Factor applied before printing (ratios are shown in percent). */
  scale?: number;
}

const COUNT: MetricFormat = { digits: 0, unit: '' };
const MILLISECONDS: MetricFormat = { digits: 1, unit: 'ms' };
const PERCENT: MetricFormat = { digits: 3, unit: '%', scale: 100 };

const UNIT_WIDTH = 2;

const METRIC_FORMATS: Record<Exclude<keyof Metrics, 'outputSha256'>, MetricFormat> = {
  packets: COUNT,
  received: COUNT,
  networkLost: COUNT,
  duplicates: COUNT,
  lateLost: COUNT,
  played: COUNT,
  meanBufferDelayMs: MILLISECONDS,
  p50BufferDelayMs: MILLISECONDS,
  p95BufferDelayMs: MILLISECONDS,
  p99BufferDelayMs: MILLISECONDS,
  meanAddedLatencyMs: MILLISECONDS,
  p95AddedLatencyMs: MILLISECONDS,
  jitterBufferDelayMs: MILLISECONDS,
  targetDelayMs: MILLISECONDS,
  concealmentRatio: PERCENT,
  concealmentEvents: COUNT,
  accelerateRatio: PERCENT,
  decelerateRatio: PERCENT,
  fecRecovered: COUNT,
  profileSwitches: COUNT,
  realtimeFactor: { digits: 1, unit: '×' },
};

/**
 * The figures of shared/METRICS.md as a name/value table, under their METRICS
 * names: counts as integers, delays in ms with one decimal, ratios in percent.
 * The SHA-256 fingerprint follows on its own line so its 64 characters do not
 * push the numbers far from their names.
 */
export function formatMetrics(m: Metrics): string {
  const rows = (Object.keys(METRIC_FORMATS) as (keyof typeof METRIC_FORMATS)[]).map((name) => {
    const { digits, unit, scale = 1 } = METRIC_FORMATS[name];
    const number = (m[name] * scale).toFixed(digits);
    // Padding every unit to the same width keeps the numbers' decimal points in line.
    return { metric: name, value: `${number} ${unit.padEnd(UNIT_WIDTH)}` };
  });
  const table = formatTable(rows, [
    { key: 'metric', title: 'metric' },
    { key: 'value', title: 'value', align: 'right' },
  ]);
  const nameWidth = Math.max('metric'.length, ...rows.map((row) => row.metric.length));
  return `${table}\n${'outputSha256'.padEnd(nameWidth)}${COLUMN_GAP}${m.outputSha256}`;
}

/** The artefact figures as one line per kind: episodes by cause, how many were short, stretches. */
export function formatArtefacts(a: Artefacts): string {
  return [
    `concealment episodes ${a.concealmentEpisodesPerMin.toFixed(1)}/min (buffer ${a.bufferEpisodesPerMin.toFixed(1)}, network ${a.networkEpisodesPerMin.toFixed(1)}; ${(a.shortEpisodeShare * 100).toFixed(0)} % shorter than ${SHORT_EPISODE_MS} ms)`,
    `time-stretches ${a.stretchesPerMin.toFixed(1)}/min (${a.quietStretchesPerMin.toFixed(1)} in quiet audio), ${a.stretchedMsPerMin.toFixed(1)} ms/min; merges ${a.mergesPerMin.toFixed(1)}/min; artefacts ${a.artefactsPerMin.toFixed(1)}/min (${a.audibleArtefactsPerMin.toFixed(1)} but the quiet stretches)`,
  ].join('\n');
}
