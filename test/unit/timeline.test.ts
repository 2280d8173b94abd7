import { describe, expect, it } from 'vitest';
import { MAX_DOTS, MAX_LINE_POINTS, timelineSvg } from '../../src/replay/timeline_svg.js';
import type { OperationEvent, PacketRecord, ReplayResult, TimelinePoint } from '../../src/replay/types.js';
import { replayResult as emptyReplay } from '../helpers/replay_result.js';

/** The shared empty replay, named as the picture's title expects. */
function replayResult(overrides: Partial<ReplayResult>): ReplayResult {
  return emptyReplay({ traceName: 'wifi-walk', profile: 'l4s', ...overrides });
}

/** `count` packets every 20 ms with 30 ms transit plus a wobble; every 40th is late. */
function records(count: number): PacketRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const arrivalMs = k * 20 + 30 + ((k * 7) % 13);
    const late = k % 40 === 39;
    return {
      seq: k,
      sendMs: k * 20,
      arrivalMs,
      playMs: late ? null : arrivalMs + 20,
      fate: late ? ('late' as const) : ('played' as const),
      ecn: -1,
    };
  });
}

function timeline(count: number, everyMs: number): TimelinePoint[] {
  return Array.from({ length: count }, (_, i) => ({
    timeMs: i * everyMs,
    bufferMs: 20 + ((i * 3) % 17),
    targetMs: 30 + 10 * Math.floor(i / 500),
    delayMs: 25 + ((i * 5) % 11),
    profile: 'l4s',
  }));
}

function events(count: number, everyMs: number): OperationEvent[] {
  const kinds: OperationEvent['kind'][] = ['expand', 'merge', 'accelerate', 'preemptive-expand', 'dtx', 'normal'];
  return Array.from({ length: count }, (_, i) => ({ timeMs: i * everyMs, kind: kinds[i % kinds.length], frames: 480 }));
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('timelineSvg', () => {
  const small = replayResult({
    records: records(200),
    timeline: timeline(400, 10),
    events: events(30, 130),
    profileChanges: [{ timeMs: 2000, profile: 'classic' }],
  });
  const svg = timelineSvg(small);

  it('is a self-contained SVG with the trace and profile in the title', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('width="1600" height="600"');
    expect(svg).toContain('<title>Jitter buffer timeline: wifi-walk (profile l4s)</title>');
    expect(svg).not.toMatch(/href=|url\(/);
    expect(svg).not.toContain('NaN');
  });

  it('draws one line each for buffer level, steered delay and target, and a dot per packet', () => {
    expect(count(svg, '<polyline')).toBe(3);
    // 200 packets plus the three legend swatches for the fates.
    expect(count(svg, '<circle')).toBe(200 + 3);
  });

  it('marks profile changes with a labelled dashed line and operations in their colours', () => {
    expect(svg).toContain('>classic</text>');
    // The profile-change line and its legend swatch.
    expect(count(svg, 'stroke-dasharray="5 4"')).toBe(2);
    for (const color of ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#7f7f7f']) {
      expect(svg).toMatch(new RegExp(`<path d="M[^"]*" stroke="${color}"`));
    }
  });

  it('escapes text', () => {
    const escaped = timelineSvg(replayResult({ traceName: 'a<b & "c"', profileChanges: [{ timeMs: 0, profile: "x'y" }] }));
    expect(escaped).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(escaped).toContain('x&apos;y');
    expect(escaped).not.toContain('a<b');
  });

  it('draws an empty replay without lines or NaN', () => {
    const empty = timelineSvg(replayResult({}));
    expect(empty.startsWith('<svg')).toBe(true);
    expect(count(empty, '<polyline')).toBe(0);
    expect(empty).not.toContain('NaN');
  });

  it('clips one outage to the top edge instead of flattening the rest', () => {
    const withOutage = records(200);
    withOutage[100] = { ...withOutage[100], arrivalMs: withOutage[100].arrivalMs + 5000 };
    const clipped = timelineSvg(replayResult({ records: withOutage }));
    expect(clipped).toContain('1 values above drawn at the top edge');
    // Plot top is at y = 74; no dot may be drawn above it.
    const cys = [...clipped.matchAll(/<circle cx="[^"]*" cy="([^"]*)" r="1.6"/g)].map((match) => Number(match[1]));
    expect(Math.min(...cys)).toBeGreaterThanOrEqual(74);
    expect(cys.filter((cy) => cy === 74)).toHaveLength(1);
  });

  it('stays under 2 MB for a 13-minute trace with 40k packets and is deterministic', () => {
    const big = replayResult({
      records: records(40_000),
      timeline: timeline(80_000, 10),
      events: events(20_000, 40),
      profileChanges: [{ timeMs: 100_000, profile: 'classic' }],
    });
    const first = timelineSvg(big);
    expect(first.length).toBeLessThan(2_000_000);
    expect(count(first, '<circle')).toBeLessThanOrEqual(MAX_DOTS + 3);
    // All 1000 late packets are kept; played ones are thinned to the rest of the budget.
    expect(count(first, '<circle')).toBe(MAX_DOTS + 3);
    for (const match of first.matchAll(/<polyline[^>]* points="([^"]*)"/g)) {
      expect(match[1].split(' ').length).toBeLessThanOrEqual(MAX_LINE_POINTS);
    }
    expect(timelineSvg(big)).toBe(first);
  });

  it('honours the requested size', () => {
    expect(timelineSvg(small, { width: 800, height: 400 })).toContain('width="800" height="400"');
    expect(() => timelineSvg(small, { width: 0 })).toThrow(/positive/);
  });
});
