// Checks assembly/dsp/g711.ts against a reference built here from the way
// ITU-T G.711 describes its quantisers: Tables 1a/1b (A-law) and 2a/2b
// (μ-law) list, per segment, the decision values bounding each quantisation
// interval and the decoder output value (the interval's midpoint), and the
// 8-bit character signal that names it. The reference below follows that
// description (segment start points and step sizes written out from the
// tables) rather than the bit arithmetic the module uses.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

/** One segment of a G.711 quantiser, in the standard's own units. */
interface Segment {
  /** Decision value at which the segment's first interval starts. */
  start: number;
  /** Width of every interval in the segment. */
  step: number;
}

// Steps per segment: the 4-bit step field.
const STEPS_PER_SEGMENT = 16;

// A-law, Table 1a: magnitudes on a 0..4096 scale. Segments 0 and 1 both use
// intervals of 2; each later segment doubles the interval and the span.
const ALAW_SEGMENTS: Segment[] = [
  { start: 0, step: 2 },
  { start: 32, step: 2 },
  { start: 64, step: 4 },
  { start: 128, step: 8 },
  { start: 256, step: 16 },
  { start: 512, step: 32 },
  { start: 1024, step: 64 },
  { start: 2048, step: 128 },
];

// μ-law, Table 2a: magnitudes on a 0..8159 scale with segment edges 31, 95,
// 223, ... and intervals of 2, 4, 8, ... . The first interval of segment 0
// is cut at zero (decision values 0 and 1, output 0): it is the positive
// half of an interval from −1 to 1, which is why segment 0 "starts" at −1.
const ULAW_SEGMENTS: Segment[] = [
  { start: -1, step: 2 },
  { start: 31, step: 4 },
  { start: 95, step: 8 },
  { start: 223, step: 16 },
  { start: 479, step: 32 },
  { start: 991, step: 64 },
  { start: 2015, step: 128 },
  { start: 4063, step: 256 },
];

// Scale from each table's units to 16-bit linear, as reference decoders do:
// A-law's 4096 scale is 13-bit signed (×8), μ-law's 8159 scale is 14-bit
// signed (×4).
const ALAW_TO_16_BIT = 8;
const ULAW_TO_16_BIT = 4;

/** Character signal per Table 1b: polarity bit (1 = positive), segment, step; even bits inverted for transmission. */
function alawCharacter(positive: boolean, segment: number, step: number): number {
  return ((positive ? 0x80 : 0) | (segment << 4) | step) ^ 0x55;
}

/** Character signal per Table 2b: polarity bit (1 = positive), then segment and step with all seven bits inverted. */
function ulawCharacter(positive: boolean, segment: number, step: number): number {
  return (positive ? 0x80 : 0) | (~((segment << 4) | step) & 0x7f);
}

/** Decoder output (interval midpoint) in 16-bit linear for one segment/step/sign. */
function referenceOutput(segments: Segment[], scale: number, positive: boolean, segment: number, step: number): number {
  const { start, step: width } = segments[segment]!;
  const midpoint = start + width * step + width / 2;
  return (positive ? 1 : -1) * midpoint * scale;
}

/** code → 16-bit linear for all 256 characters of a law, from the tables. */
function referenceTable(
  segments: Segment[],
  scale: number,
  character: (positive: boolean, segment: number, step: number) => number,
): Map<number, number> {
  const table = new Map<number, number>();
  for (const positive of [true, false]) {
    for (let segment = 0; segment < segments.length; segment++) {
      for (let step = 0; step < STEPS_PER_SEGMENT; step++) {
        // −0 and +0 are both 0 on the 16-bit scale.
        const value = referenceOutput(segments, scale, positive, segment, step) || 0;
        table.set(character(positive, segment, step), value);
      }
    }
  }
  return table;
}

/**
 * Reference encoder: finds the quantisation interval (from the tables'
 * decision values) that holds a 16-bit linear sample, clamping to the
 * outermost interval, and returns its character signal.
 */
function referenceEncode(
  segments: Segment[],
  scale: number,
  character: (positive: boolean, segment: number, step: number) => number,
  sample: number,
): number {
  const positive = sample >= 0;
  const magnitude = Math.abs(sample) / scale;
  for (let segment = segments.length - 1; segment >= 0; segment--) {
    const { start, step: width } = segments[segment]!;
    if (magnitude >= start || segment === 0) {
      const step = Math.min(STEPS_PER_SEGMENT - 1, Math.max(0, Math.floor((magnitude - start) / width)));
      return character(positive, segment, step);
    }
  }
  throw new Error('unreachable: segment 0 accepts every magnitude');
}

const ALAW_REFERENCE = referenceTable(ALAW_SEGMENTS, ALAW_TO_16_BIT, alawCharacter);
const ULAW_REFERENCE = referenceTable(ULAW_SEGMENTS, ULAW_TO_16_BIT, ulawCharacter);

const encodeAlaw = (sample: number): number => referenceEncode(ALAW_SEGMENTS, ALAW_TO_16_BIT, alawCharacter, sample);
const encodeUlaw = (sample: number): number => referenceEncode(ULAW_SEGMENTS, ULAW_TO_16_BIT, ulawCharacter, sample);

let dsp: DspModule;

beforeAll(async () => {
  dsp = await loadDspModule();
});

describe('G.711 reference (self-check)', () => {
  it('names all 256 characters of each law exactly once', () => {
    expect(ALAW_REFERENCE.size).toBe(256);
    expect(ULAW_REFERENCE.size).toBe(256);
  });
});

describe('ulawToLinear', () => {
  it('matches ITU-T G.711 Tables 2a/2b for all 256 codes', () => {
    for (let code = 0; code < 256; code++) {
      expect(dsp.exports.ulawToLinear(code), `code 0x${code.toString(16)}`).toBe(ULAW_REFERENCE.get(code));
    }
  });

  it('gives the well-known reference values', () => {
    expect(dsp.exports.ulawToLinear(0x00)).toBe(-32124);
    expect(dsp.exports.ulawToLinear(0x80)).toBe(32124);
    expect(dsp.exports.ulawToLinear(0xff)).toBe(0);
    expect(dsp.exports.ulawToLinear(0x7f)).toBe(0);
  });

  it('re-encodes every decoded value to the same code, except negative zero', () => {
    for (let code = 0; code < 256; code++) {
      // 0x7F (−0) decodes to 0, which the encoder sends as +0 (0xFF).
      const expected = code === 0x7f ? 0xff : code;
      expect(encodeUlaw(dsp.exports.ulawToLinear(code))).toBe(expected);
    }
  });

  it('decodes every encoded 16-bit sample to within half a step', () => {
    for (let sample = -32768; sample <= 32767; sample += 7) {
      const decoded = dsp.exports.ulawToLinear(encodeUlaw(sample));
      const segment = ULAW_SEGMENTS.findLastIndex((s) => Math.abs(sample) / ULAW_TO_16_BIT >= s.start);
      const halfStep = (ULAW_SEGMENTS[segment]!.step * ULAW_TO_16_BIT) / 2;
      // Beyond the last interval the quantiser clips to full scale.
      const target = Math.max(-32124, Math.min(32124, sample));
      expect(Math.abs(decoded - target), `sample ${sample}`).toBeLessThanOrEqual(halfStep);
    }
  });
});

describe('alawToLinear', () => {
  it('matches ITU-T G.711 Tables 1a/1b for all 256 codes', () => {
    for (let code = 0; code < 256; code++) {
      expect(dsp.exports.alawToLinear(code), `code 0x${code.toString(16)}`).toBe(ALAW_REFERENCE.get(code));
    }
  });

  it('gives the well-known reference values', () => {
    expect(dsp.exports.alawToLinear(0xd5)).toBe(8);
    expect(dsp.exports.alawToLinear(0x55)).toBe(-8);
    // Polarity bit set (not inverted in transmission) means positive, so the
    // full-scale positive character is 0xAA and the negative one 0x2A.
    expect(dsp.exports.alawToLinear(0xaa)).toBe(32256);
    expect(dsp.exports.alawToLinear(0x2a)).toBe(-32256);
  });

  it('re-encodes every decoded value to the same code', () => {
    for (let code = 0; code < 256; code++) {
      expect(encodeAlaw(dsp.exports.alawToLinear(code))).toBe(code);
    }
  });

  it('decodes every encoded 16-bit sample to within half a step', () => {
    for (let sample = -32768; sample <= 32767; sample += 7) {
      const decoded = dsp.exports.alawToLinear(encodeAlaw(sample));
      const segment = ALAW_SEGMENTS.findLastIndex((s) => Math.abs(sample) / ALAW_TO_16_BIT >= s.start);
      const halfStep = (ALAW_SEGMENTS[segment]!.step * ALAW_TO_16_BIT) / 2;
      const target = Math.max(-32256, Math.min(32256, sample));
      expect(Math.abs(decoded - target), `sample ${sample}`).toBeLessThanOrEqual(halfStep);
    }
  });
});

describe('decodeUlaw / decodeAlaw', () => {
  it('turn each code into its linear value / 32768 as f32', () => {
    const src = dsp.scratch;
    const dst = dsp.scratch + 1024;
    const codes = Array.from({ length: 256 }, (_, code) => code);
    for (const law of ['ulaw', 'alaw'] as const) {
      dsp.u8.set(codes, src);
      const decode = law === 'ulaw' ? dsp.exports.decodeUlaw : dsp.exports.decodeAlaw;
      const reference = law === 'ulaw' ? ULAW_REFERENCE : ALAW_REFERENCE;
      decode(src, 256, dst);
      const out = dsp.f32.subarray(dst / 4, dst / 4 + 256);
      for (let code = 0; code < 256; code++) {
        expect(out[code], `${law} code 0x${code.toString(16)}`).toBe(Math.fround(reference.get(code)! / 32768));
      }
    }
  });

  it('keep every output inside [−1, 1)', () => {
    const src = dsp.scratch;
    const dst = dsp.scratch + 1024;
    dsp.u8.set(Array.from({ length: 256 }, (_, code) => code), src);
    for (const decode of [dsp.exports.decodeUlaw, dsp.exports.decodeAlaw]) {
      decode(src, 256, dst);
      for (const value of dsp.f32.subarray(dst / 4, dst / 4 + 256)) {
        expect(value).toBeGreaterThanOrEqual(-1);
        expect(value).toBeLessThan(1);
      }
    }
  });
});
