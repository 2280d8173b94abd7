// RFC 4733 telephone-events (DTMF named events) as they travel inside a call's
// RTP stream: one 4-byte record per packet, the same timestamp for every
// packet of one event (its start), the duration growing until the end bit, and
// the final packet sent three times. Parsing only; no audio is made from them.

/** One telephone-event payload (RFC 4733 §2.3). */
export interface TelephoneEvent {
  /** Event code: 0–9, 10 '*', 11 '#', 12–15 'A'–'D', 16 flash (RFC 4733 §3.2); others are tones of other tables. */
  event: number;
  /** The DTMF key, or null for events that are not one. */
  digit: string | null;
  /** Power of the tone in dBm0 (the field's 0..63 read as 0..−63). */
  volume: number;
  /** Duration so far, in ms of the RTP clock (the field counts timestamp units). */
  durationMs: number;
  /** The E bit: this packet ends the event. */
  end: boolean;
}

/** Bytes of one event record (event, E/R/volume, 16-bit duration). */
export const TELEPHONE_EVENT_BYTES = 4;
/** Highest event code RFC 4733 §3.2 assigns to DTMF (16, flash). */
const LAST_DTMF_EVENT = 16;
const DTMF_KEYS = '0123456789*#ABCD';

/** The DTMF key of an event code, or null (16 is flash, which has no key). */
export function dtmfDigit(event: number): string | null {
  return event >= 0 && event < DTMF_KEYS.length ? DTMF_KEYS[event] : null;
}

/**
 * Parses the first event record of a telephone-event payload, or returns null
 * when the payload is not one: shorter than 4 bytes, or not a multiple of 4
 * (records are never split). `clockRate` converts the duration to ms.
 */
export function parseTelephoneEvent(payload: Uint8Array, clockRate: number): TelephoneEvent | null {
  if (payload.length < TELEPHONE_EVENT_BYTES || payload.length % TELEPHONE_EVENT_BYTES !== 0) return null;
  const event = payload[0];
  const duration = (payload[2] << 8) | payload[3];
  return {
    event,
    digit: dtmfDigit(event),
    volume: 0 - (payload[1] & 0x3f),
    durationMs: (duration * 1000) / clockRate,
    end: (payload[1] & 0x80) !== 0,
  };
}

/** True when the payload reads as a DTMF event record (code 0..16): what a telephone-event payload type carries. */
export function looksLikeDtmfEvent(payload: Uint8Array | null): boolean {
  if (payload === null || payload.length !== TELEPHONE_EVENT_BYTES) return false;
  return payload[0] <= LAST_DTMF_EVENT && (payload[1] & 0x40) === 0; // the R bit is reserved, sent as 0
}

/** One whole event: its packets grouped by their shared timestamp. */
export interface TelephoneEventSummary {
  digit: string | null;
  event: number;
  volume: number;
  /** The longest duration any of its packets gave, ms. */
  durationMs: number;
  /** Whether its end packet was seen. */
  end: boolean;
  /** Its RTP timestamp (the event's start). */
  timestamp: number;
}

/**
 * The events in a stream's telephone-event packets: packets of one event share
 * its start timestamp (RFC 4733 §2.5.1.1), so each distinct timestamp is one
 * event, whatever the retransmissions. Payloads that do not parse are skipped.
 */
export function telephoneEventsOf(payloads: readonly { timestamp: number; payload: Uint8Array | null }[], clockRate: number): TelephoneEventSummary[] {
  const byTimestamp = new Map<number, TelephoneEventSummary>();
  for (const { timestamp, payload } of payloads) {
    if (payload === null) continue;
    const parsed = parseTelephoneEvent(payload, clockRate);
    if (!parsed) continue;
    const known = byTimestamp.get(timestamp);
    if (!known) {
      byTimestamp.set(timestamp, { digit: parsed.digit, event: parsed.event, volume: parsed.volume, durationMs: parsed.durationMs, end: parsed.end, timestamp });
    } else {
      known.durationMs = Math.max(known.durationMs, parsed.durationMs);
      known.end ||= parsed.end;
    }
  }
  return [...byTimestamp.values()];
}
