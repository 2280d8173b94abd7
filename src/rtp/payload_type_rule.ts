// The payload-type rule of the live feeds (issue #14 item 4): JitterlaneNode.push,
// feedFromWebSocket and the takeover's transform worker sort each packet by its
// RTP payload type the way the replay sorts a capture's (src/replay/prepared.ts):
// the stream's codec is audio; RFC 3389 comfort noise (PT 13) goes to the
// engine as comfort noise, never decoded as speech; RFC 4733 telephone-events
// become events, never audio; any other type is not the codec, so it is
// refused and counted rather than decoded as noise.

import { JitterlaneError } from '../engine/errors.js';
import { CN_PAYLOAD_TYPE } from './comfort_noise.js';
import { parseTelephoneEvent, type TelephoneEvent } from './telephone_event.js';

/** The payload types of a stream, as its SDP names them. */
export interface PayloadTypeOptions {
  /**
   * The audio codec's payload type (111 for Opus in WebRTC, 0 PCMU, 8 PCMA,
   * or what the SDP says). Packets of another type that are neither comfort
   * noise nor telephone-events are refused and counted. Default: not checked.
   */
  payloadType?: number;
  /** The RFC 4733 telephone-event type (the SDP's `a=rtpmap:N telephone-event/…`, usually 101): its packets are events. Default: none. */
  telephoneEventPayloadType?: number;
}

/** What a packet of a feed is. */
export type FeedPacketRole = 'audio' | 'comfort-noise' | 'telephone-event' | 'foreign';

/** Throws JitterlaneError unless each given payload type is an integer 0..127 (RFC 3550's 7 bits). */
export function checkPayloadTypeOptions(where: string, options: PayloadTypeOptions): void {
  for (const name of ['payloadType', 'telephoneEventPayloadType'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 127)) {
      throw new JitterlaneError(`${where}: ${name} must be an integer 0..127 (an RTP payload type), got ${typeof value === 'number' ? value : typeof value}`);
    }
  }
}

/** The role of a packet of `payloadType` (undefined or −1: the feed does not say, taken as audio) under `options`. */
export function feedPacketRole(payloadType: number | undefined, options: PayloadTypeOptions): FeedPacketRole {
  if (payloadType === undefined || payloadType < 0 || payloadType === options.payloadType) return 'audio';
  if (payloadType === options.telephoneEventPayloadType) return 'telephone-event';
  if (payloadType === CN_PAYLOAD_TYPE) return 'comfort-noise';
  return options.payloadType === undefined ? 'audio' : 'foreign';
}

/** A telephone-event as a feed reports it: the RFC 4733 fields and the event's RTP timestamp (its start). */
export interface TelephoneEventReport extends TelephoneEvent {
  timestamp: number;
}

/**
 * Turns a feed's telephone-event packets into reports: one when an event
 * starts (its first packet, end false) and one when it ends (its first packet
 * with the end bit); the retransmissions of either report nothing.
 */
export class TelephoneEventTracker {
  private timestamp = -1;
  private ended = false;

  /** The report this packet makes, or null (a repeat, or a payload that is not an event record). */
  accept(payload: Uint8Array, timestamp: number, clockRate: number): TelephoneEventReport | null {
    const event = parseTelephoneEvent(payload, clockRate);
    if (!event) return null;
    const isNew = timestamp !== this.timestamp;
    if (!isNew && (this.ended || !event.end)) return null;
    this.timestamp = timestamp;
    this.ended = event.end;
    return { ...event, timestamp };
  }
}
