// Which time-stretch the audio at the play point allows, for accelerate and
// preemptive expand alike: quiet audio (a pause, background noise) takes what
// the buffer asks at once with a short fade; voiced audio one pitch period (or
// a multiple) that passes the correlation gate, within the stretch budget; else
// none. Sample math only: the caller carries the stretch out (time_stretch.ts).

import { PeriodMatch, quietRun, rms } from './correlation';
import { MAX_PERIOD, MAX_VOICED_STRETCH, voicedStretchLag } from './voiced_stretch';

/** Below −50 dBFS RMS audio counts as quiet (a pause, background noise) at least: stretched without a period match. The caller may raise the level to its stream's background (background_level.ts). */
export const LOW_ENERGY_RMS: f32 = 0.00316;
/** Shortest quiet removal: below a third of a millisecond the bookkeeping is not worth it. */
const MIN_LOW_ENERGY_STRETCH: i32 = 16;
/** Fade at the seam of a quiet stretch: 2.5 ms, as the merge's; no pitch to keep in step. */
export const QUIET_FADE: i32 = 120;
/** Most removed from a pause at once: 100 ms shorter, a pause still sounds like a pause. */
const MAX_QUIET_STRETCH: i32 = 4800;
/** Most inserted into a pause at once: 40 ms; the caller keeps that much history behind the play point. */
export const MAX_QUIET_INSERT: i32 = 1920;

/** No stretch passes: the audio plays as it is (decision.ts's OUTCOME_STRETCH_FAILED). */
export const STRETCH_NONE: i32 = 0;
/** Quiet audio: `frames` go (or repeat) with a QUIET_FADE seam. */
export const STRETCH_QUIET: i32 = 1;
/** Voiced audio: a lag of `frames` that correlates, cross-faded over its whole length. */
export const STRETCH_VOICED: i32 = 2;

/** The stretch chosen: a STRETCH_* kind and its length. The caller owns one and passes it in. */
export class StretchChoice {
  kind: i32 = STRETCH_NONE;
  frames: i32 = 0;
  /** The period search's result, kept here so a choice needs no allocation. */
  readonly match: PeriodMatch = new PeriodMatch();
}

/**
 * Chooses the stretch at `anchor` (the play point, channel 0): `shorten` true
 * removes audio ahead of it (accelerate), false inserts audio there
 * (preemptive expand). `ahead` frames are unplayed, `behind` frames of history
 * readable before it; the buffer `wanted` this many frames moved, and voiced
 * stretches (if `voicedAllowed`) may spend up to `budget`; audio below
 * `quietRms` counts as quiet. `scratch` as searchPeriod's.
 */
export function chooseStretch(anchor: usize, shorten: bool, ahead: i32, behind: i32, wanted: f64, budget: f64, voicedAllowed: bool, quietRms: f32, scratch: usize, out: StretchChoice): void {
  out.kind = STRETCH_NONE;
  out.frames = 0;
  // Quiet: removing needs the fade after the removed run, inserting repeats
  // the quiet run just played and fades from what would have played.
  if (shorten) {
    const quietAhead = quietRun(anchor, 1, min(ahead, MAX_QUIET_STRETCH + QUIET_FADE), quietRms);
    const quiet = <i32>Math.min(<f64>(quietAhead - QUIET_FADE), wanted);
    if (quiet >= MIN_LOW_ENERGY_STRETCH) {
      out.kind = STRETCH_QUIET;
      out.frames = quiet;
      return;
    }
  } else {
    const quietBehind = quietRun(anchor, -1, MAX_QUIET_INSERT, quietRms);
    const quiet = <i32>Math.min(<f64>quietBehind, wanted);
    if (quiet >= QUIET_FADE && ahead >= QUIET_FADE && rms(anchor, QUIET_FADE) < quietRms) {
      out.kind = STRETCH_QUIET;
      out.frames = quiet;
      return;
    }
  }
  if (!voicedAllowed) return;
  // Voiced: removing compares two lags ahead; inserting the lag behind with the lag ahead.
  const room = shorten ? ahead / 2 : min(ahead, behind);
  const maxLag = <i32>Math.min(<f64>room, Math.min(budget, wanted));
  const tau = voicedStretchLag(anchor, shorten ? 0 : 1, min(MAX_PERIOD, maxLag), maxLag, scratch, out.match);
  if (tau == 0) return;
  out.kind = STRETCH_VOICED;
  out.frames = tau;
}

/**
 * True when a removal wants more unplayed audio than the `ahead` frames at
 * `anchor`: a long period needs two of them, a large correction two of the
 * longest voiced stretch, and audio that is all quiet (below `quietRms`) as much as a pause could lose.
 */
export function wantsMoreToShorten(anchor: usize, ahead: i32, wanted: f64, quietRms: f32): bool {
  const quiet = quietRun(anchor, 1, min(ahead, MAX_QUIET_STRETCH + QUIET_FADE), quietRms);
  return <f64>ahead < Math.min(2 * wanted, <f64>(2 * MAX_VOICED_STRETCH)) || ahead < 2 * MAX_PERIOD || (quiet == ahead && <f64>ahead < Math.min(wanted, <f64>MAX_QUIET_STRETCH) + <f64>QUIET_FADE);
}
