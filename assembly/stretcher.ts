// Time-stretching at the play point, to move the delay toward its target:
// accelerate removes audio, preemptive expand inserts it; quiet audio (below
// the stream's quiet level, background_level.ts) is cut or lengthened at
// once, voiced audio by pitch periods within a budget that bounds the stretch
// rate. Which stretch passes is dsp/stretch_acceptance.ts's;
// this carries it out on every channel and books it.

import { OUTCOME_STRETCHED, OUTCOME_STRETCH_FAILED } from './decision';
import { chooseStretch, wantsMoreToShorten, StretchChoice, MAX_QUIET_INSERT, QUIET_FADE, STRETCH_NONE, STRETCH_QUIET } from './dsp/stretch_acceptance';
import { accelerateInPlace, expandInPlace, insertQuietInPlace, removeQuietInPlace } from './dsp/time_stretch';
import { MAX_PERIOD, MAX_VOICED_STRETCH } from './dsp/voiced_stretch';
import { BackgroundLevel } from './background_level';
import * as ev from './events';
import * as S from './stats';
import { SyncBuffer } from './sync_buffer';

/** The stretch allowance saves up to the longest voiced stretch, so a long period (or its multiple) can always pass. */
const STRETCH_BUDGET_CAP: f64 = <f64>MAX_VOICED_STRETCH;

/** One stream's time-stretcher. */
export class Stretcher {
  private readonly sync: SyncBuffer;
  private readonly stats: S.Stats;
  private readonly events: ev.EventLog;
  /** Where quiet audio ends on this stream (its background noise, or −50 dBFS). */
  private readonly background: BackgroundLevel;
  private readonly scratch: StaticArray<f32> = new StaticArray<f32>(2 * MAX_PERIOD);
  private readonly choice: StretchChoice = new StretchChoice();
  /** Voiced stretching allowed now, frames; a stream starts with the whole allowance (nothing was stretched yet). */
  budget: f64 = STRETCH_BUDGET_CAP;

  constructor(sync: SyncBuffer, stats: S.Stats, events: ev.EventLog, background: BackgroundLevel) {
    this.sync = sync;
    this.background = background;
    this.stats = stats;
    this.events = events;
  }

  /** Earns allowance for `frames` played at stretch `rate` (a share of what plays). */
  earn(frames: f64, rate: f64): void {
    this.budget = Math.min(STRETCH_BUDGET_CAP, this.budget + frames * rate);
  }

  /** True when removing `wanted` frames needs more decoded audio than is unplayed. */
  wantsMoreToShorten(wanted: f64): bool {
    return wantsMoreToShorten(this.sync.ptr(0, this.sync.playIndex), this.sync.unplayed(), wanted, this.background.quietRms);
  }

  /**
   * Removes up to `wanted` frames ahead of the play point (`fast`: at the fast
   * rate, for the event; `quietOnly`: from quiet audio only); `now` is the
   * output clock. Returns the outcome.
   */
  accelerate(wanted: f64, fast: bool, quietOnly: bool, now: f64): i32 {
    const region = this.sync.unplayed();
    const c = this.choice;
    chooseStretch(this.sync.ptr(0, this.sync.playIndex), true, region, this.sync.historyFrames, wanted, this.budget, !quietOnly, this.background.quietRms, changetype<usize>(this.scratch), c);
    if (c.kind == STRETCH_NONE) return OUTCOME_STRETCH_FAILED;
    for (let ch = 0; ch < this.sync.channels; ch++) {
      const x = this.sync.ptr(ch, this.sync.playIndex);
      if (c.kind == STRETCH_QUIET) removeQuietInPlace(x, region, c.frames, QUIET_FADE);
      else accelerateInPlace(x, region, c.frames);
    }
    this.book(-c.frames, c.kind != STRETCH_QUIET, fast ? ev.EVENT_ACCELERATE_FAST : ev.EVENT_ACCELERATE, now);
    return OUTCOME_STRETCHED;
  }

  /** Inserts up to `wanted` frames at the play point (`quietOnly`: into quiet audio only); `now` is the output clock. Returns the outcome. */
  preemptiveExpand(wanted: f64, quietOnly: bool, now: f64): i32 {
    this.sync.reserve(MAX_QUIET_INSERT);
    const region = this.sync.unplayed();
    const c = this.choice;
    chooseStretch(this.sync.ptr(0, this.sync.playIndex), false, region, this.sync.historyFrames, wanted, this.budget, !quietOnly, this.background.quietRms, changetype<usize>(this.scratch), c);
    if (c.kind == STRETCH_NONE) return OUTCOME_STRETCH_FAILED;
    for (let ch = 0; ch < this.sync.channels; ch++) {
      const x = this.sync.ptr(ch, this.sync.playIndex);
      if (c.kind == STRETCH_QUIET) insertQuietInPlace(x, region, c.frames, QUIET_FADE);
      else expandInPlace(x, region, c.frames);
    }
    this.book(c.frames, c.kind != STRETCH_QUIET, ev.EVENT_PREEMPTIVE_EXPAND, now);
    return OUTCOME_STRETCHED;
  }

  /**
   * Books a stretch of `frames` (negative: removed) done at the play point:
   * the decoded store's end moves, voiced stretches spend the budget (quiet
   * ones are inaudible and free), and the counters and the event follow.
   */
  private book(frames: i32, voiced: bool, event: i32, now: f64): void {
    this.sync.endIndex += frames;
    if (voiced) this.budget -= <f64>abs(frames);
    const at = now + <f64>this.sync.unplayed();
    if (frames < 0) this.stats.add(S.STAT_REMOVED_FOR_ACCELERATION, <f64>-frames);
    else this.stats.add(S.STAT_INSERTED_FOR_DECELERATION, <f64>frames);
    this.events.push(event, at, <f64>abs(frames), voiced ? 0 : <f64>ev.QUIET_STRETCH_FLAG);
  }
}
