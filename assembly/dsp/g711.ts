// G.711 (ITU-T) μ-law and A-law expansion to linear PCM.
//
// Each 8-bit code holds a sign bit, a 3-bit segment (exponent) and a 4-bit
// step within the segment (mantissa). The decoder output is the midpoint of
// the quantisation interval the code names. The decoded value is computed
// from those bit fields once per code at module start; the per-sample paths
// then read a 256-entry table.

/** Number of distinct 8-bit G.711 codes, and so the size of each table. */
const CODE_COUNT: i32 = 256;

// μ-law transmits the seven magnitude bits inverted (the sign bit is not), so
// a quiet line is sent as mostly ones: the ones density T1 carriers need.
const ULAW_INVERT_MASK: u8 = 0x7f;

// A-law transmits the even bits inverted (alternate digit inversion), for the
// same ones-density reason on E1 lines.
const ALAW_INVERT_MASK: u8 = 0x55;

// Bit 7 is never inverted in transmission; set means a positive sample in
// both laws.
const SIGN_BIT: u8 = 0x80;

// Segment number occupies bits 6..4.
const SEGMENT_SHIFT: u8 = 4;
const SEGMENT_MASK: u8 = 0x07;

// Step within the segment occupies bits 3..0.
const STEP_MASK: u8 = 0x0f;

// Adding 33 to a μ-law magnitude (in 13-bit units) turns the segment
// boundaries 31, 95, 223, ... into powers of two: segment s then holds biased
// magnitudes [32·2^s, 64·2^s), and the midpoint of step n is (2n + 33)·2^s.
const ULAW_BIAS: i32 = 33;

// μ-law's magnitude is a 13-bit value (plus sign: 14 bits); shifting left by
// 2 places full scale (8031) at 32124, just under the 16-bit limit.
const ULAW_TO_16_BIT_SHIFT: i32 = 2;

// A-law's magnitude is a 12-bit value (plus sign: 13 bits); shifting left by
// 3 places full scale (4032) at 32256, just under the 16-bit limit.
const ALAW_TO_16_BIT_SHIFT: i32 = 3;

// A-law segments 1..7 start at 32·2^(s−1) in 12-bit units; writing the
// interval midpoint as (2·step + 33) << (s − 1) folds that start (32) and the
// half-step to the midpoint (1) into one constant.
const ALAW_SEGMENT_OFFSET: i32 = 33;

// Linear output is scaled to [−1, 1) by dividing by 2^15, the 16-bit range.
const INT16_TO_FLOAT: f32 = 1.0 / 32768.0;

/** Decodes one μ-law code from its bit fields (no table). */
function ulawFromBits(code: u8): i16 {
  const bits: u8 = code ^ ULAW_INVERT_MASK;
  const segment = <i32>((bits >> SEGMENT_SHIFT) & SEGMENT_MASK);
  const step = <i32>(bits & STEP_MASK);
  // Midpoint of the step: intervals in segment s are 2^(s+1) wide.
  const magnitude = (((step << 1) + ULAW_BIAS) << segment) - ULAW_BIAS;
  const scaled = magnitude << ULAW_TO_16_BIT_SHIFT;
  return <i16>((bits & SIGN_BIT) != 0 ? scaled : -scaled);
}

/** Decodes one A-law code from its bit fields (no table). */
function alawFromBits(code: u8): i16 {
  const bits: u8 = code ^ ALAW_INVERT_MASK;
  const segment = <i32>((bits >> SEGMENT_SHIFT) & SEGMENT_MASK);
  const step = <i32>(bits & STEP_MASK);
  // Segments 0 and 1 share the finest step (2 units); segment 0 starts at 0,
  // so its midpoints are the odd numbers 1..31 and it has no offset.
  const magnitude = segment == 0
    ? (step << 1) + 1
    : ((step << 1) + ALAW_SEGMENT_OFFSET) << (segment - 1);
  const scaled = magnitude << ALAW_TO_16_BIT_SHIFT;
  return <i16>((bits & SIGN_BIT) != 0 ? scaled : -scaled);
}

/** Builds the μ-law expansion table from the bit-field decoder. */
function buildUlawTable(): StaticArray<i16> {
  const table = new StaticArray<i16>(CODE_COUNT);
  for (let code = 0; code < CODE_COUNT; code++) {
    table[code] = ulawFromBits(<u8>code);
  }
  return table;
}

/** Builds the A-law expansion table from the bit-field decoder. */
function buildAlawTable(): StaticArray<i16> {
  const table = new StaticArray<i16>(CODE_COUNT);
  for (let code = 0; code < CODE_COUNT; code++) {
    table[code] = alawFromBits(<u8>code);
  }
  return table;
}

// Built once when the module starts; never reallocated.
const ULAW_TABLE: StaticArray<i16> = buildUlawTable();
const ALAW_TABLE: StaticArray<i16> = buildAlawTable();

/**
 * Expands one G.711 μ-law code to 16-bit linear PCM.
 * Full scale is ±32124 (0x80 / 0x00); both zero codes (0xFF, 0x7F) give 0.
 */
export function ulawToLinear(code: u8): i16 {
  return unchecked(ULAW_TABLE[code]);
}

/**
 * Expands one G.711 A-law code to 16-bit linear PCM.
 * Full scale is ±32256 (0xAA / 0x2A); the smallest magnitudes are ±8
 * (0xD5 / 0x55). A-law has no zero output.
 */
export function alawToLinear(code: u8): i16 {
  return unchecked(ALAW_TABLE[code]);
}

/**
 * Decodes `count` μ-law bytes at `src` into `count` f32 samples at `dst`,
 * scaled to [−1, 1) (linear value / 32768). `dst` must not overlap `src`.
 */
export function decodeUlaw(src: usize, count: i32, dst: usize): void {
  for (let i = 0; i < count; i++) {
    const code = load<u8>(src + <usize>i);
    const linear = unchecked(ULAW_TABLE[code]);
    store<f32>(dst + (<usize>i << 2), <f32>linear * INT16_TO_FLOAT);
  }
}

/**
 * Decodes `count` A-law bytes at `src` into `count` f32 samples at `dst`,
 * scaled to [−1, 1) (linear value / 32768). `dst` must not overlap `src`.
 */
export function decodeAlaw(src: usize, count: i32, dst: usize): void {
  for (let i = 0; i < count; i++) {
    const code = load<u8>(src + <usize>i);
    const linear = unchecked(ALAW_TABLE[code]);
    store<f32>(dst + (<usize>i << 2), <f32>linear * INT16_TO_FLOAT);
  }
}
