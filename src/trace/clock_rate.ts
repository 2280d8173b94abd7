import { median } from './median.js';
import { sequenceDelta, timestampDelta } from './rtp_arithmetic.js';

/** RTP clock rates a dynamic payload type is snapped to (audio rates, plus 90 kHz to recognise video). */
export const CANDIDATE_CLOCK_RATES: readonly number[] = [8000, 12000, 16000, 24000, 32000, 44100, 48000, 90000];

/** Clock rates of the static audio payload types that are not 8000 Hz (RFC 3551 table 4). */
const STATIC_CLOCK_RATE_EXCEPTIONS: ReadonlyMap<number, number> = new Map([
  [6, 16000], // DVI4 wideband
  [10, 44100], // L16 stereo
  [11, 44100], // L16 mono
  [14, 90000], // MPA
  [16, 11025], // DVI4
  [17, 22050], // DVI4
]);

/** Highest static audio payload type (G729 = 18). */
const LAST_STATIC_AUDIO_PAYLOAD_TYPE = 18;

/** Span of the windows whose rates are compared: long enough that arrival jitter (tens of ms) moves a window's rate by a few per cent at most. */
const WINDOW_US = 1_000_000;
/** Consecutive packets closer than this say more about jitter than about the media clock. */
const MIN_PAIR_ARRIVAL_US = 5000;
/** How far the end-to-end estimate may stray from the windowed median before it is distrusted. */
const SPAN_AGREEMENT = 1.15;

/** One packet's timing as clock-rate inference needs it. */
export interface TimestampSample {
  seq: number;
  /** RTP timestamp, 32-bit as captured. */
  timestamp: number;
  arrivalUs: number;
}

/** True for payload types 0..18, the static audio assignments of RFC 3551. */
export function isStaticAudioPayloadType(payloadType: number): boolean {
  return payloadType >= 0 && payloadType <= LAST_STATIC_AUDIO_PAYLOAD_TYPE;
}

/** True for the dynamic range 96..127, whose clock rate only signalling (or inference) can tell. */
export function isDynamicPayloadType(payloadType: number): boolean {
  return payloadType >= 96 && payloadType <= 127;
}

/** Clock rate of a static audio payload type (G722 keeps its historical 8000), or null for others. */
export function staticClockRate(payloadType: number): number | null {
  if (!isStaticAudioPayloadType(payloadType)) return null;
  return STATIC_CLOCK_RATE_EXCEPTIONS.get(payloadType) ?? 8000;
}

/** Timestamps made monotonic across 32-bit wraps, relative to the first packet. */
function unwrapTimestamps(samples: readonly TimestampSample[]): number[] {
  const unwrapped = [0];
  for (let i = 1; i < samples.length; i++) {
    unwrapped.push(unwrapped[i - 1] + timestampDelta(samples[i - 1].timestamp, samples[i].timestamp));
  }
  return unwrapped;
}

/** Timestamp advance per second between packets `from` and `to`, or null when they arrived together. */
function rateBetween(samples: readonly TimestampSample[], unwrapped: readonly number[], from: number, to: number): number | null {
  const arrivalUs = samples[to].arrivalUs - samples[from].arrivalUs;
  const advance = unwrapped[to] - unwrapped[from];
  return arrivalUs > 0 && advance > 0 ? (advance * 1e6) / arrivalUs : null;
}

/**
 * Median, over every packet, of the rate across the following ~1 s of arrivals.
 * A pause in which the sender stops its timestamps, or a delay spike, spoils only the windows
 * that contain it. Pairs of consecutive packets would not do: a sender that sends in bursts
 * (MagicJack's 30 ms / 1 ms / 29 ms pattern) biases any filter on short arrival gaps.
 */
function windowedRate(samples: readonly TimestampSample[], unwrapped: readonly number[]): number | null {
  const rates: number[] = [];
  let end = 0;
  for (let start = 0; start < samples.length; start++) {
    while (end < samples.length && samples[end].arrivalUs - samples[start].arrivalUs < WINDOW_US) end++;
    if (end === samples.length) break;
    const rate = rateBetween(samples, unwrapped, start, end);
    if (rate !== null) rates.push(rate);
  }
  return rates.length > 0 ? median(rates) : null;
}

/** Median of the rate over consecutive packets (seq + 1) more than 5 ms apart: the fallback for streams shorter than a window. */
function pairwiseRate(samples: readonly TimestampSample[], unwrapped: readonly number[]): number | null {
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    if (sequenceDelta(samples[i - 1].seq, samples[i].seq) !== 1) continue;
    if (samples[i].arrivalUs - samples[i - 1].arrivalUs <= MIN_PAIR_ARRIVAL_US) continue;
    const rate = rateBetween(samples, unwrapped, i - 1, i);
    if (rate !== null) rates.push(rate);
  }
  return rates.length > 0 ? median(rates) : null;
}

/**
 * Estimates the media clock in Hz from timestamps against arrival times (not snapped), or null
 * when the stream gives nothing to measure.
 *
 * The end-to-end rate (first to last packet, timestamps unwrapped) is the most precise, since
 * jitter enters only through two packets; it is used when it agrees within 15 % with the median of
 * 1 s windows, which guards against senders whose timestamps stop during pauses.
 */
export function estimateClockRate(samples: readonly TimestampSample[]): number | null {
  if (samples.length < 2) return null;
  const unwrapped = unwrapTimestamps(samples);
  const windowed = windowedRate(samples, unwrapped) ?? pairwiseRate(samples, unwrapped);
  const endToEnd = rateBetween(samples, unwrapped, 0, samples.length - 1);
  if (windowed === null) return endToEnd;
  if (endToEnd === null) return windowed;
  const ratio = endToEnd / windowed;
  return ratio < SPAN_AGREEMENT && ratio > 1 / SPAN_AGREEMENT ? endToEnd : windowed;
}

/** The candidate clock rate nearest to `hz` on a log scale (so "nearest" means nearest in ratio). */
export function snapClockRate(hz: number): number {
  let best = CANDIDATE_CLOCK_RATES[0];
  for (const candidate of CANDIDATE_CLOCK_RATES) {
    if (Math.abs(Math.log(hz / candidate)) < Math.abs(Math.log(hz / best))) best = candidate;
  }
  return best;
}

/** Estimated clock rate snapped to the nearest candidate, or null when it cannot be estimated. */
export function inferClockRate(samples: readonly TimestampSample[]): number | null {
  const estimate = estimateClockRate(samples);
  return estimate === null ? null : snapClockRate(estimate);
}
