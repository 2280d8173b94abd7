// What the audio played counts as (webrtc-stats): samples received, concealed,
// silent, a signalled pause, and each played packet's time in the buffer.
// Concealment played while the buffer was dry is held until the next packet
// shows whether it stood in for lost audio or for a pause.

import { SAMPLE_RATE } from './abi';
import { pauseShare } from './decision';
import * as S from './stats';

/** One stream's sample counters. */
export class PlayoutCounts {
  private readonly stats: S.Stats;
  /** Concealment played while no packet was waiting: loss or DTX, decided when the next packet shows. */
  private pendingConcealed: f64 = 0;
  /** The part of it that waited for the missing audio (the playout point did not move). */
  private pendingWait: f64 = 0;
  /** The part of it that was silent (the concealment had faded out). */
  private pendingSilent: f64 = 0;

  constructor(stats: S.Stats) {
    this.stats = stats;
  }

  /** Counts `frames` concealed samples, `silent` of them silent: concealment is part of the samples received. */
  concealed(frames: f64, silent: f64): void {
    this.stats.add(S.STAT_CONCEALED_SAMPLES, frames);
    this.stats.add(S.STAT_SILENT_CONCEALED_SAMPLES, silent);
    this.stats.add(S.STAT_TOTAL_SAMPLES_RECEIVED, frames);
  }

  /** Counts `frames` samples of a signalled pause (silence or comfort noise): received, not concealed. */
  pause(frames: f64): void {
    this.stats.add(S.STAT_DTX_SAMPLES, frames);
    this.stats.add(S.STAT_TOTAL_SAMPLES_RECEIVED, frames);
  }

  /** Holds `frames` of concealment played dry, `silent` of them silent; `waited`: the playout point stayed for them. */
  holdDry(frames: f64, waited: bool, silent: f64): void {
    if (waited) this.pendingWait += frames;
    this.pendingConcealed += frames;
    this.pendingSilent += silent;
  }

  /** The dry concealment that waited for missing audio, now that a packet shows (forgotten once read). */
  takeWaited(): f64 {
    const waited = this.pendingWait;
    this.pendingWait = 0;
    return waited;
  }

  /** True while dry concealment awaits its classification. */
  hasPending(): bool {
    return this.pendingConcealed > 0;
  }

  /**
   * Classifies the concealment held dry, now that the next packet shows:
   * inside a signalled pause (`pauseGapFrames` long) it stood in for the pause
   * (pauseShare, decision.ts); otherwise, or beyond the pause, it covered
   * missing audio. The pause is its first frames; its silent frames (faded
   * out) are its last, so they are counted with the concealed part first.
   */
  commit(inSignalledPause: bool, pauseGapFrames: f64): void {
    const pending = this.pendingConcealed;
    if (pending <= 0) return;
    const pause = pauseShare(pending, inSignalledPause, pauseGapFrames);
    const concealed = pending - pause;
    if (pause > 0) this.pause(pause);
    if (concealed > 0) {
      this.concealed(concealed, Math.min(concealed, this.pendingSilent));
      this.stats.add(S.STAT_CONCEALMENT_EVENTS, 1);
    }
    this.pendingConcealed = 0;
    this.pendingSilent = 0;
  }

  /** A new stream: held concealment counts as concealed, nothing waits. */
  reset(): void {
    this.commit(false, 0);
    this.pendingWait = 0;
  }

  /**
   * Counts a played packet's `frames`, the first of them emitted at
   * `playFrame`, having arrived at `arrival`. Each emitted sample counts its
   * packet's time in the buffer (arrival to the emission of its first sample),
   * as libwebrtc's NetEq accumulates it, so the average compares with the
   * target; and the target delay (`steeredMs`) and the profile's floor
   * (`floorMs`) as they stand (webrtc-stats jitterBufferTargetDelay and
   * jitterBufferMinimumDelay: the delay sought, per sample, in seconds); and
   * what it was meant to wait (`meantFrames`: the target less how late it came).
   */
  played(frames: i32, playFrame: f64, arrival: f64, steeredMs: f64, floorMs: f64, meantFrames: f64): void {
    const st = this.stats;
    const n = <f64>frames;
    st.add(S.STAT_PACKETS_PLAYED, 1);
    st.add(S.STAT_TOTAL_SAMPLES_RECEIVED, n);
    st.add(S.STAT_JITTER_BUFFER_DELAY, (n * (playFrame - arrival)) / <f64>SAMPLE_RATE);
    st.add(S.STAT_JITTER_BUFFER_TARGET_DELAY, (n * steeredMs) / 1000);
    st.add(S.STAT_JITTER_BUFFER_MINIMUM_DELAY, (n * floorMs) / 1000);
    st.add(S.STAT_JITTER_BUFFER_MEANT_DELAY, (n * meantFrames) / <f64>SAMPLE_RATE);
    st.add(S.STAT_JITTER_BUFFER_EMITTED_COUNT, n);
  }
}
