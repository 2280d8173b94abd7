// Which payload types of an RTP stream are its audio, and which are the
// other things a call sends on the same SSRC: RFC 4733 telephone-events
// (DTMF, a dynamic type, usually 101) and RFC 3389 comfort noise (PT 13).
// Without the call's SDP the dynamic type of telephone-events is recognised
// from its payloads: 4-byte DTMF records whose packets repeat the event's
// start timestamp.

import { CN_PAYLOAD_TYPE } from './comfort_noise.js';
import { mostFrequent } from '../trace/most_frequent.js';
import { looksLikeDtmfEvent } from './telephone_event.js';

/** What the packets of one payload type in a stream are. */
export type PayloadRole = 'audio' | 'telephone-event' | 'comfort-noise';

/** The packet fields classification reads. */
export interface TypedPayload {
  payloadType: number;
  timestamp: number;
  payload: Uint8Array | null;
}

/** Names of the static audio payload types (RFC 3551 table 4); 13 is comfort noise. */
const STATIC_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'PCMU'], [3, 'GSM'], [4, 'G723'], [5, 'DVI4'], [6, 'DVI4'], [7, 'LPC'], [8, 'PCMA'], [9, 'G722'],
  [10, 'L16'], [11, 'L16'], [12, 'QCELP'], [13, 'CN'], [14, 'MPA'], [15, 'G728'], [16, 'DVI4'], [17, 'DVI4'], [18, 'G729'],
]);

/** The encoding name of a static payload type, or null for dynamic and unassigned ones. */
export function staticPayloadTypeName(payloadType: number): string | null {
  return STATIC_NAMES.get(payloadType) ?? null;
}

/**
 * Share of a dynamic type's packets that must read as DTMF records for the type
 * to be taken as telephone-events: every packet of a real one does; audio
 * payloads are almost never exactly 4 bytes.
 */
const TELEPHONE_EVENT_SHARE = 0.9;

/** True when a dynamic payload type's packets are telephone-events: DTMF records, sharing timestamps within an event. */
function isTelephoneEventType(packets: readonly TypedPayload[]): boolean {
  const records = packets.filter((p) => looksLikeDtmfEvent(p.payload)).length;
  if (records < TELEPHONE_EVENT_SHARE * packets.length) return false;
  // An event is sent as several packets with its start timestamp (at least its end, three times).
  return new Set(packets.map((p) => p.timestamp)).size < packets.length;
}

/** The role of every payload type seen in a stream's packets. */
export function payloadRoles(packets: readonly TypedPayload[]): Map<number, PayloadRole> {
  const byType = new Map<number, TypedPayload[]>();
  for (const packet of packets) {
    const list = byType.get(packet.payloadType);
    if (list) list.push(packet);
    else byType.set(packet.payloadType, [packet]);
  }
  const roles = new Map<number, PayloadRole>();
  for (const [payloadType, list] of byType) {
    if (payloadType === CN_PAYLOAD_TYPE) roles.set(payloadType, 'comfort-noise');
    else if (payloadType >= 96 && isTelephoneEventType(list)) roles.set(payloadType, 'telephone-event');
    else roles.set(payloadType, 'audio');
  }
  return roles;
}

/**
 * The stream's audio payload type: the most frequent one whose role is audio
 * (the first seen wins a tie), so DTMF and comfort noise never pass for the
 * codec. -1 when the stream has none.
 */
export function audioPayloadType(packets: readonly TypedPayload[]): number {
  const roles = payloadRoles(packets);
  return mostFrequent(packets.filter((p) => roles.get(p.payloadType) === 'audio').map((p) => p.payloadType), -1);
}

/** The payload types of the stream with the given role. */
export function payloadTypesWithRole(packets: readonly TypedPayload[], role: PayloadRole): number[] {
  return [...payloadRoles(packets)].filter(([, r]) => r === role).map(([payloadType]) => payloadType);
}
