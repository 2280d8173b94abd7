// webrtc-stats counters of one stream (RTCInboundRtpStreamStats names), kept as
// f64 so counts stay exact to 2^53 (285 years of 48 kHz samples) and JS reads
// them straight from memory. Indices are part of the JS contract (src/engine.ts).

export const STAT_PACKETS_RECEIVED: i32 = 0;
/** Late + dropped for latency + overflow: webrtc-stats packetsDiscarded. */
export const STAT_PACKETS_DISCARDED: i32 = 1;
export const STAT_PACKETS_DUPLICATED: i32 = 2;
export const STAT_PACKETS_LATE: i32 = 3;
export const STAT_PACKETS_DROPPED_FOR_LATENCY: i32 = 4;
export const STAT_PACKETS_OVERFLOW: i32 = 5;
export const STAT_PACKETS_INVALID: i32 = 6;
export const STAT_PACKETS_PLAYED: i32 = 7;
/** Samples (per channel) decoded from received packets. */
export const STAT_TOTAL_SAMPLES_RECEIVED: i32 = 8;
/** Samples (per channel) emitted since the first played sample. */
export const STAT_TOTAL_SAMPLES_EMITTED: i32 = 9;
/** Samples synthesised to cover missing audio; DTX silence is not included (see silentConcealedSamples). */
export const STAT_CONCEALED_SAMPLES: i32 = 10;
/** Silence played for DTX gaps (timestamp advance without a sequence gap). */
export const STAT_SILENT_CONCEALED_SAMPLES: i32 = 11;
export const STAT_CONCEALMENT_EVENTS: i32 = 12;
export const STAT_INSERTED_FOR_DECELERATION: i32 = 13;
export const STAT_REMOVED_FOR_ACCELERATION: i32 = 14;
/** Seconds: sum over emitted samples of their packet's time in the buffer (arrival to the emission of its first sample), as NetEq counts it. */
export const STAT_JITTER_BUFFER_DELAY: i32 = 15;
/** Seconds: sum over emitted samples of the buffer time their packet was meant to get (target above the baseline less the packet's own lateness). */
export const STAT_JITTER_BUFFER_TARGET_DELAY: i32 = 16;
/** Seconds: the same for the profile's floor instead of the target (the minimum the app asked for). */
export const STAT_JITTER_BUFFER_MINIMUM_DELAY: i32 = 17;
export const STAT_JITTER_BUFFER_EMITTED_COUNT: i32 = 18;
export const STAT_FEC_PACKETS_RECEIVED: i32 = 19;
export const STAT_FEC_PACKETS_DISCARDED: i32 = 20;
export const STAT_FEC_RECOVERED: i32 = 21;
export const STAT_STREAM_RESETS: i32 = 22;
export const STAT_DECODER_ERRORS: i32 = 23;
export const STAT_PROFILE_SWITCHES: i32 = 24;
/** Gauges (not counters): current target and steered delay above the fastest recent packet, ms. */
export const STAT_TARGET_DELAY_MS: i32 = 25;
export const STAT_CURRENT_DELAY_MS: i32 = 26;
/** Gauge: audio buffered ahead of the playout point (decoded + encoded), ms. */
export const STAT_BUFFERED_MS: i32 = 27;
/** Gauge: packets waiting in the packet buffer. */
export const STAT_PACKETS_BUFFERED: i32 = 28;
/** Gauge: the output clock, in frames. */
export const STAT_NOW_FRAMES: i32 = 29;
/** Events lost because the event log was full when the host had not drained it. */
export const STAT_EVENTS_LOST: i32 = 30;
/** Gauge: the delay estimate before the profile's floor and ceiling, ms (the path's own jitter need, for ECN decisions). */
export const STAT_DELAY_ESTIMATE_MS: i32 = 31;
export const STAT_COUNT: i32 = 32;

/** The counter block of one engine. */
export class Stats {
  readonly values: StaticArray<f64> = new StaticArray<f64>(STAT_COUNT);

  add(index: i32, amount: f64): void {
    unchecked((this.values[index] += amount));
  }

  set(index: i32, value: f64): void {
    unchecked((this.values[index] = value));
  }

  get(index: i32): f64 {
    return unchecked(this.values[index]);
  }

  clear(): void {
    for (let i = 0; i < STAT_COUNT; i++) unchecked((this.values[i] = 0));
  }
}
