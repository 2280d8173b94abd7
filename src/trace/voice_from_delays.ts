import { median } from './median.js';
import type { TracePacket } from './types.js';

/** One received probe of a delay-only trace. */
export interface DelayProbe {
  sendUs: number;
  arrivalUs: number;
}

/** What the synthesised stream looks like and how it was derived. */
export interface SynthesisedVoiceStream {
  /** Received packets, sorted by arrival time (ties by seq). */
  packets: TracePacket[];
  /** Packets sent, received or not: one per frame from the first to the last probe's send time. */
  sentCount: number;
  /** Estimated probe interval P in µs (median of consecutive send-time differences), or null with a single probe. */
  probeIntervalUs: number | null;
}

/** Sample rate the synthesised timestamps count in. */
export const SYNTHESISED_CLOCK_RATE = 48000;

/**
 * The probe whose slot packet time `t` falls into, or null when that slot's probe was lost.
 * `before` is the last probe sent at or before `t`.
 *
 * Probes are expected every P µs. Between two received probes a and b, round((b − a)/P) − 1
 * probes are missing (a gap of at least 1.5 P means one or more was lost); the gap is split
 * into equal slots and `t` belongs to the slot whose centre is nearest (ties to the earlier).
 * With no missing probe this is simply the nearest probe. Splitting the actual gap, rather
 * than testing distance to the nearest received probe against a fixed threshold, makes each
 * lost probe cost its whole slot, so the packet loss rate follows the probe loss rate.
 */
function probeForTime(sends: readonly number[], before: number, t: number, intervalUs: number | null): number | null {
  const next = before + 1;
  if (sends[before] === t || next >= sends.length) return before;
  const gap = sends[next] - sends[before];
  const missing = intervalUs === null || intervalUs <= 0 ? 0 : Math.max(0, Math.round(gap / intervalUs) - 1);
  const slotWidth = gap / (missing + 1);
  const slot = Math.ceil((t - sends[before]) / slotWidth - 0.5);
  if (slot <= 0) return before;
  if (slot >= missing + 1) return next;
  return null;
}

/**
 * Turns a delay-only trace into the voice stream it would have delivered: packet k is sent at
 * k × frameMs after the first probe's send time, up to the last probe's send time, and takes the
 * one-way delay (arrival − send) of the probe in its slot; it is lost where that probe was lost.
 *
 * Arrival times are k × frameMs × 1000 + delay, in whole µs relative to the first probe's send
 * time. Sequence numbers are k mod 2^16 and timestamps count 48 kHz samples, mod 2^32.
 * `probes` need not be sorted; they must not be empty.
 */
export function synthesiseVoiceStream(probes: readonly DelayProbe[], frameMs: number): SynthesisedVoiceStream {
  const sorted = [...probes].sort((a, b) => a.sendUs - b.sendUs);
  const firstSendUs = sorted[0].sendUs;
  const sends = sorted.map((probe) => probe.sendUs - firstSendUs);
  const delays = sorted.map((probe) => probe.arrivalUs - probe.sendUs);
  const intervals = sends.slice(1).map((send, i) => send - sends[i]);
  const probeIntervalUs = intervals.length > 0 ? median(intervals) : null;

  const frameUs = frameMs * 1000;
  const samplesPerFrame = (frameMs * SYNTHESISED_CLOCK_RATE) / 1000;
  const lastSendUs = sends[sends.length - 1];
  const packets: TracePacket[] = [];
  let sentCount = 0;
  let before = 0;
  for (let k = 0; k * frameUs <= lastSendUs; k++) {
    const t = k * frameUs;
    sentCount++;
    while (before + 1 < sends.length && sends[before + 1] <= t) before++;
    const probe = probeForTime(sends, before, t, probeIntervalUs);
    if (probe === null) continue;
    packets.push({
      arrivalUs: Math.round(t + delays[probe]),
      seq: k & 0xffff,
      timestamp: Math.round(k * samplesPerFrame) >>> 0,
      payloadType: -1,
      marker: false,
      payload: null,
      payloadBytes: 0,
      ecn: -1,
    });
  }
  packets.sort((a, b) => a.arrivalUs - b.arrivalUs || a.seq - b.seq);
  return { packets, sentCount, probeIntervalUs };
}
