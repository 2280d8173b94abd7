// Which stretch of voiced audio sounds clean: the acceptance test of a
// time-stretch, apart from the engine. A lag is accepted when the two
// stretches of signal it would cross-fade correlate (the WSOLA condition);
// when the buffer wants more than one period, a multiple of the period that
// still correlates is taken, so one splice does the work of several.

import { normalizedCorrelation, searchPeriod, PeriodMatch } from './correlation';

/** Shortest pitch period searched: 2.5 ms (400 Hz) at 48 kHz, above most voices' F0. */
export const MIN_PERIOD: i32 = 120;
/** Longest pitch period searched: 15 ms (67 Hz), below most voices' F0. */
export const MAX_PERIOD: i32 = 720;
/** Correlation a stretch needs on voiced audio; NetEq's accelerate uses the same 0.9. */
export const CORRELATION_GATE: f32 = 0.9;
/**
 * Longest voiced stretch at one splice: 30 ms (two longest periods). Beyond
 * it a syllable would lose (or repeat) audibly much of itself at once.
 */
export const MAX_VOICED_STRETCH: i32 = 2 * MAX_PERIOD;

/**
 * The lag of a clean voiced stretch at `anchor`, or 0 when none passes the
 * gate. `segmentsBefore` 0 compares the lag after the anchor with the next
 * (accelerate: both unplayed), 1 the lag before it with the lag after
 * (preemptive expand). The period is searched up to `maxPeriod`; a multiple of
 * it is taken up to `maxLag` when it correlates too. The caller guarantees
 * `maxLag` (·2 ahead for accelerate; before and after for expand) readable.
 * `scratch` and `match` as searchPeriod's.
 */
export function voicedStretchLag(anchor: usize, segmentsBefore: i32, maxPeriod: i32, maxLag: i32, scratch: usize, match: PeriodMatch): i32 {
  if (maxPeriod < MIN_PERIOD) return 0;
  searchPeriod(anchor, segmentsBefore, MIN_PERIOD, maxPeriod, scratch, match);
  if (match.correlation < CORRELATION_GATE) return 0;
  const period = match.lag;
  for (let lag = (min(maxLag, MAX_VOICED_STRETCH) / period) * period; lag > period; lag -= period) {
    const a = anchor - (<usize>(segmentsBefore * lag) << 2);
    if (normalizedCorrelation(a, a + (<usize>lag << 2), lag) >= CORRELATION_GATE) return lag;
  }
  return period;
}
