import { minTransitMs, nearestRankPercentile } from './metrics.js';
import type { OperationKind, PacketRecord, ReplayResult } from './types.js';

/** Size of the picture; the defaults suit a wide screen. */
export interface TimelineSvgOptions {
  /** Pixels, default 1600. */
  width?: number;
  /** Pixels, default 600. */
  height?: number;
}

/** Most packet dots drawn; beyond it packets are thinned evenly so a long trace stays a few hundred kB. */
export const MAX_DOTS = 20_000;
/** Most vertices per line; beyond it each line keeps the extremes of evenly sized runs of points. */
export const MAX_LINE_POINTS = 4_000;

const MARGIN_LEFT = 76;
const MARGIN_RIGHT = 30;
const PLOT_TOP = 74;
/** Room under the plot for the x tick labels, the operations lane and the x-axis title. */
const SPACE_BELOW_PLOT = 116;
const LANE_OFFSET = 36;
const LANE_ROW_HEIGHT = 7;
/** Lowest y ceiling, so a trace with almost no jitter is not magnified into noise. */
const MIN_Y_CEILING_MS = 10;
const CLIP_PERCENTILE = 99.5;
const CLIP_HEADROOM = 1.2;

const COLORS = {
  played: '#9ecae1',
  late: '#d62728',
  other: '#9467bd',
  buffer: '#333333',
  target: '#c51b8a',
  delay: '#17becf',
  profile: '#555555',
  grid: '#e6e6e6',
  axis: '#000000',
};

/** Rows of the operations lane: which engine operations share a row and a colour. */
const OPERATION_ROWS: { label: string; color: string; kinds: OperationKind[] }[] = [
  { label: 'conceal', color: '#d62728', kinds: ['expand'] },
  { label: 'fec', color: '#9467bd', kinds: ['fec'] },
  { label: 'merge', color: '#ff7f0e', kinds: ['merge'] },
  { label: 'accelerate', color: '#1f77b4', kinds: ['accelerate', 'accelerate-fast'] },
  { label: 'pre-expand', color: '#2ca02c', kinds: ['preemptive-expand'] },
  { label: 'dtx', color: '#7f7f7f', kinds: ['dtx'] },
  { label: 'reset', color: '#000000', kinds: ['reset'] },
];

interface Point {
  timeMs: number;
  valueMs: number;
}

/** Maps data to pixels for one picture. */
interface Frame {
  plotLeft: number;
  plotRight: number;
  plotTop: number;
  plotBottom: number;
  startMs: number;
  endMs: number;
  /** Top of the y axis, a whole number of y steps, ms. */
  ceilingMs: number;
  /** Spacing of the y gridlines, ms. */
  yStepMs: number;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Pixel coordinates to one decimal: finer is invisible and only makes the file bigger. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function xOf(frame: Frame, timeMs: number): number {
  const fraction = (timeMs - frame.startMs) / (frame.endMs - frame.startMs);
  return frame.plotLeft + fraction * (frame.plotRight - frame.plotLeft);
}

/** Values above the ceiling are pinned to the top edge, below zero to the bottom. */
function yOf(frame: Frame, valueMs: number): number {
  const clamped = Math.min(frame.ceilingMs, Math.max(0, valueMs));
  return frame.plotBottom - (clamped / frame.ceilingMs) * (frame.plotBottom - frame.plotTop);
}

/** A 1-2-5 step giving about `count` intervals over `range`. */
function niceStep(range: number, count: number): number {
  const raw = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const factor = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10;
  return factor * magnitude;
}

function ticks(min: number, max: number, step: number): number[] {
  const values: number[] = [];
  // Counting whole steps avoids the drift of repeatedly adding a fractional step.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) values.push(k * step);
  return values;
}

function tickLabel(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9);
  return value.toFixed(decimals);
}

/** Up to `max` items spread evenly over `items`, in their order; the same input always gives the same pick. */
function thinEvenly<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const kept: T[] = [];
  for (let k = 0; k < max; k++) kept.push(items[Math.floor((k * items.length) / max)]);
  return kept;
}

/**
 * At most `max` points of a line: the points are cut into max/2 runs and each
 * run keeps its lowest and highest point in time order, so spikes survive the
 * thinning where plain striding would skip them.
 */
function thinLine(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const runs = Math.floor(max / 2);
  const kept: Point[] = [];
  for (let run = 0; run < runs; run++) {
    const from = Math.floor((run * points.length) / runs);
    const to = Math.floor(((run + 1) * points.length) / runs);
    let lowest = from;
    let highest = from;
    for (let i = from + 1; i < to; i++) {
      if (points[i].valueMs < points[lowest].valueMs) lowest = i;
      if (points[i].valueMs > points[highest].valueMs) highest = i;
    }
    kept.push(points[Math.min(lowest, highest)]);
    if (lowest !== highest) kept.push(points[Math.max(lowest, highest)]);
  }
  return kept;
}

/** A step line: each value holds until the next point changes it. */
function stepPoints(points: readonly Point[]): Point[] {
  const steps: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    const previous = steps[steps.length - 1];
    if (previous === undefined) {
      steps.push(points[i]);
    } else if (points[i].valueMs !== previous.valueMs) {
      steps.push({ timeMs: points[i].timeMs, valueMs: previous.valueMs }, points[i]);
    }
  }
  const last = points[points.length - 1];
  if (last !== undefined && steps[steps.length - 1] !== last) steps.push(last);
  return steps;
}

function polyline(frame: Frame, points: readonly Point[], color: string, strokeWidth: number): string {
  if (points.length === 0) return '';
  const coordinates = thinLine(points, MAX_LINE_POINTS)
    .map((point) => `${px(xOf(frame, point.timeMs))},${px(yOf(frame, point.valueMs))}`)
    .join(' ');
  return (
    `<polyline fill="none" stroke="${color}" stroke-width="${strokeWidth}" ` +
    `stroke-linejoin="round" points="${coordinates}"/>`
  );
}

function dotGroup(frame: Frame, dots: readonly Point[], color: string): string {
  if (dots.length === 0) return '';
  const circles = dots.map(
    (dot) => `<circle cx="${px(xOf(frame, dot.timeMs))}" cy="${px(yOf(frame, dot.valueMs))}" r="1.6"/>`,
  );
  return `<g fill="${color}">${circles.join('')}</g>`;
}

/** Packet dots by fate, thinned to {@link MAX_DOTS} with losses kept in preference to played packets. */
function packetDots(frame: Frame, records: readonly PacketRecord[], fastestTransitMs: number): string {
  const toDot = (record: PacketRecord): Point => ({
    timeMs: record.arrivalMs,
    valueMs: record.arrivalMs - record.sendMs - fastestTransitMs,
  });
  const played = records.filter((record) => record.fate === 'played');
  const late = records.filter((record) => record.fate === 'late');
  const other = records.filter((record) => record.fate !== 'played' && record.fate !== 'late');

  // Losses are the point of the picture, so they get at least half the budget,
  // shared between late and other in proportion to their counts.
  const lossBudget = Math.max(MAX_DOTS - played.length, MAX_DOTS / 2);
  const losses = late.length + other.length;
  const lateBudget = losses > lossBudget ? Math.floor((lossBudget * late.length) / losses) : late.length;
  const lateKept = thinEvenly(late, lateBudget);
  const otherKept = thinEvenly(other, lossBudget - lateKept.length);
  const playedKept = thinEvenly(played, MAX_DOTS - lateKept.length - otherKept.length);

  return [
    dotGroup(frame, playedKept.map(toDot), COLORS.played),
    dotGroup(frame, otherKept.map(toDot), COLORS.other),
    dotGroup(frame, lateKept.map(toDot), COLORS.late),
  ].join('');
}

function gridAndAxes(frame: Frame, height: number): string {
  const parts: string[] = [];
  const { plotLeft, plotRight, plotTop, plotBottom } = frame;

  const yStep = frame.yStepMs;
  for (const value of ticks(0, frame.ceilingMs, yStep)) {
    const y = px(yOf(frame, value));
    parts.push(`<line x1="${px(plotLeft)}" y1="${y}" x2="${px(plotRight)}" y2="${y}" stroke="${COLORS.grid}"/>`);
    parts.push(
      `<text x="${px(plotLeft - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle">` +
        `${tickLabel(value, yStep)}</text>`,
    );
  }

  const startS = frame.startMs / 1000;
  const endS = frame.endMs / 1000;
  const xStep = niceStep(endS - startS, Math.max(2, Math.round((plotRight - plotLeft) / 110)));
  for (const seconds of ticks(startS, endS, xStep)) {
    const x = px(xOf(frame, seconds * 1000));
    parts.push(`<line x1="${x}" y1="${px(plotBottom)}" x2="${x}" y2="${px(plotBottom + 5)}" stroke="${COLORS.axis}"/>`);
    parts.push(`<text x="${x}" y="${px(plotBottom + 18)}" text-anchor="middle">${tickLabel(seconds, xStep)}</text>`);
  }

  parts.push(
    `<path d="M${px(plotLeft)} ${px(plotTop)}V${px(plotBottom)}H${px(plotRight)}" ` +
      `fill="none" stroke="${COLORS.axis}"/>`,
  );
  parts.push(
    `<text x="${px((plotLeft + plotRight) / 2)}" y="${px(height - 10)}" text-anchor="middle">time (s)</text>`,
  );
  const middleY = px((plotTop + plotBottom) / 2);
  parts.push(
    `<text x="16" y="${middleY}" text-anchor="middle" transform="rotate(-90 16 ${middleY})">` +
      'delay (ms)</text>',
  );
  return parts.join('');
}

/** One row per operation group under the plot; ticks falling on the same pixel column are drawn once. */
function operationsLane(frame: Frame, result: ReplayResult): string {
  const laneTop = frame.plotBottom + LANE_OFFSET;
  const parts: string[] = [
    `<text x="${px(frame.plotLeft - 6)}" y="${px(laneTop - 4)}" text-anchor="end" font-weight="bold">operations</text>`,
  ];
  OPERATION_ROWS.forEach((row, index) => {
    const rowTop = laneTop + index * LANE_ROW_HEIGHT;
    parts.push(
      `<text x="${px(frame.plotLeft - 6)}" y="${px(rowTop + LANE_ROW_HEIGHT / 2)}" text-anchor="end" ` +
        `dominant-baseline="middle" font-size="8" fill="${row.color}">${escapeXml(row.label)}</text>`,
    );
    const columns = new Set<string>();
    for (const event of result.events) {
      if (row.kinds.includes(event.kind)) columns.add(px(xOf(frame, event.timeMs)));
    }
    if (columns.size === 0) return;
    const path = [...columns].map((x) => `M${x} ${px(rowTop + 1)}v${LANE_ROW_HEIGHT - 2}`).join('');
    parts.push(`<path d="${path}" stroke="${row.color}" stroke-width="1"/>`);
  });
  return parts.join('');
}

function profileChangeMarks(frame: Frame, result: ReplayResult): string {
  const laneBottom = frame.plotBottom + LANE_OFFSET + OPERATION_ROWS.length * LANE_ROW_HEIGHT;
  return result.profileChanges
    .map((change) => {
      const x = px(xOf(frame, change.timeMs));
      return (
        `<line x1="${x}" y1="${px(frame.plotTop)}" x2="${x}" y2="${px(laneBottom)}" ` +
        `stroke="${COLORS.profile}" stroke-dasharray="5 4"/>` +
        `<text x="${px(xOf(frame, change.timeMs) + 3)}" y="${px(frame.plotTop + 11)}" ` +
        `fill="${COLORS.profile}">${escapeXml(change.profile)}</text>`
      );
    })
    .join('');
}

function legend(frame: Frame): string {
  const items: { label: string; swatch: (x: number, y: number) => string }[] = [
    { label: 'played packet', swatch: (x, y) => `<circle cx="${x + 8}" cy="${y}" r="3" fill="${COLORS.played}"/>` },
    { label: 'late packet', swatch: (x, y) => `<circle cx="${x + 8}" cy="${y}" r="3" fill="${COLORS.late}"/>` },
    {
      label: 'other (overflow, FEC, invalid, buffered)',
      swatch: (x, y) => `<circle cx="${x + 8}" cy="${y}" r="3" fill="${COLORS.other}"/>`,
    },
    { label: 'buffer level', swatch: (x, y) => legendLine(x, y, COLORS.buffer, '') },
    { label: 'target', swatch: (x, y) => legendLine(x, y, COLORS.target, '') },
    { label: 'steered delay', swatch: (x, y) => legendLine(x, y, COLORS.delay, '') },
    { label: 'profile change', swatch: (x, y) => legendLine(x, y, COLORS.profile, ' stroke-dasharray="5 4"') },
  ];
  const y = frame.plotTop - 14;
  let x = frame.plotLeft;
  const parts: string[] = [];
  for (const item of items) {
    parts.push(item.swatch(x, y));
    parts.push(`<text x="${x + 22}" y="${y}" dominant-baseline="middle">${escapeXml(item.label)}</text>`);
    // Advance by an estimate of the label's width: SVG has no text metrics without a renderer.
    x += 22 + item.label.length * 6.4 + 18;
  }
  return parts.join('');
}

function legendLine(x: number, y: number, color: string, extra: string): string {
  return `<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${color}" stroke-width="2"${extra}/>`;
}

/** The earliest and latest time anything in the result happened, ms; a default second when there is nothing. */
function timeRangeMs(result: ReplayResult): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  const include = (timeMs: number): void => {
    startMs = Math.min(startMs, timeMs);
    endMs = Math.max(endMs, timeMs);
  };
  for (const record of result.records) include(record.arrivalMs);
  for (const point of result.timeline) include(point.timeMs);
  for (const event of result.events) include(event.timeMs);
  for (const change of result.profileChanges) include(change.timeMs);
  if (!Number.isFinite(startMs)) return { startMs: 0, endMs: 1000 };
  if (endMs <= startMs) return { startMs, endMs: startMs + 1000 };
  return { startMs, endMs };
}

/**
 * The replay as a self-contained SVG picture (no external resources), time in
 * seconds across and milliseconds up:
 *
 * - a dot per received packet at its arrival time and its network delay above
 *   the fastest packet (arrivalMs − sendMs − min transit), coloured by fate;
 * - the buffer level, the target delay (as a step line) and the steered delay
 *   from the timeline;
 * - engine operations as ticks in a lane under the plot, one row and colour per
 *   kind of operation;
 * - profile changes as dashed vertical lines labelled with the new profile;
 * - axes, a legend and a title naming the trace and profile.
 *
 * The y axis stops at 1.2 × the 99.5th percentile (nearest rank) of everything
 * plotted, at least 10 ms, so one outage does not flatten the rest; values
 * above it are drawn at the top edge. Dots are thinned to {@link MAX_DOTS} and
 * lines to {@link MAX_LINE_POINTS}, deterministically, which keeps a 13-minute
 * trace well under 2 MB.
 */
export function timelineSvg(result: ReplayResult, options: TimelineSvgOptions = {}): string {
  const width = options.width ?? 1600;
  const height = options.height ?? 600;
  if (!(width > 0) || !(height > 0)) {
    throw new Error(`timelineSvg: width and height must be positive, got ${width}×${height}`);
  }

  const fastestTransitMs = minTransitMs(result.records);
  const plotted: number[] = result.records.map((record) => record.arrivalMs - record.sendMs - fastestTransitMs);
  for (const point of result.timeline) plotted.push(point.bufferMs, point.targetMs, point.delayMs);
  const clipMs = nearestRankPercentile(plotted, CLIP_PERCENTILE) * CLIP_HEADROOM;
  const rawCeilingMs = Math.max(MIN_Y_CEILING_MS, clipMs);
  const yStep = niceStep(rawCeilingMs, 8);
  const frame: Frame = {
    plotLeft: MARGIN_LEFT,
    plotRight: Math.max(MARGIN_LEFT + 1, width - MARGIN_RIGHT),
    plotTop: PLOT_TOP,
    plotBottom: Math.max(PLOT_TOP + 1, height - SPACE_BELOW_PLOT),
    ...timeRangeMs(result),
    // Rounding the ceiling up to a whole tick gives the top gridline a label.
    ceilingMs: Math.ceil(rawCeilingMs / yStep - 1e-9) * yStep,
    yStepMs: yStep,
  };
  let clippedCount = 0;
  for (const value of plotted) if (value > frame.ceilingMs) clippedCount += 1;

  const linePoints = (pick: (index: number) => number): Point[] =>
    result.timeline.map((point, index) => ({ timeMs: point.timeMs, valueMs: pick(index) }));
  const bufferLine = linePoints((i) => result.timeline[i].bufferMs);
  const delayLine = linePoints((i) => result.timeline[i].delayMs);
  const targetLine = stepPoints(linePoints((i) => result.timeline[i].targetMs));

  const title = `Jitter buffer timeline: ${result.traceName} (profile ${result.profile})`;
  const subtitle =
    `${result.records.length} packets received, ${result.events.length} operations, ` +
    `${result.profileChanges.length} profile changes` +
    (clippedCount > 0
      ? `; y axis cut at ${tickLabel(frame.ceilingMs, yStep)} ms, ${clippedCount} values above drawn at the top edge`
      : '');

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    gridAndAxes(frame, height),
    packetDots(frame, result.records, fastestTransitMs),
    polyline(frame, bufferLine, COLORS.buffer, 1),
    polyline(frame, delayLine, COLORS.delay, 1.5),
    polyline(frame, targetLine, COLORS.target, 1.5),
    profileChangeMarks(frame, result),
    operationsLane(frame, result),
    legend(frame),
    `<text x="${px(frame.plotLeft)}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${px(frame.plotLeft)}" y="42" fill="#555555">${escapeXml(subtitle)}</text>`,
    '</svg>',
  ].join('\n');
}
