// What a replay says it chose, in its table and its JSON (issue #14 item 6):
// the stream (SSRC, payload type, codec, clock rate, flow) and where the audio
// came from (the trace's own payloads, or the replacement speech and why),
// with the count of telephone-events (DTMF) the stream carried.

import { payloadTypesWithRole } from '../rtp/payload_types.js';
import { telephoneEventsOf, type TelephoneEventSummary } from '../rtp/telephone_event.js';
import { formatSsrc } from '../trace/stream_selection.js';
import type { Trace } from '../trace/types.js';
import type { AudioChoice } from './types.js';

/** The stream a replay played and the source of its audio, as the JSON reports them. */
export interface StreamReport {
  stream: {
    /** null for CSV traces, which name none. */
    ssrc: number | null;
    /** The audio payload type; null when the trace does not say (CSV). */
    payloadType: number | null;
    /** What the payloads are (PCMU, PCMA, opus, L16, G722...), null when unknown. */
    codec: string | null;
    clockRate: number;
    /** The stream's UDP flow ("source:port → destination:port"); empty when the format records none. */
    flows: string[];
  };
  audioSource: 'payload' | 'replacement';
  /** Why the replacement speech played; present only then. */
  audioSourceReason?: string;
  /** RFC 4733 events (DTMF key presses) in the stream: one per distinct event timestamp. */
  telephoneEvents: number;
  /** The events themselves, in stream order: key, event code, volume (dBm0), duration, whether the end was seen, RTP timestamp. */
  telephoneEventList: TelephoneEventSummary[];
}

/** Telephone-events in the trace's stream (packets of the payload types whose payloads are DTMF records). */
export function telephoneEventsOfTrace(trace: Trace): TelephoneEventSummary[] {
  const types = new Set(payloadTypesWithRole(trace.packets, 'telephone-event'));
  if (types.size === 0) return [];
  return telephoneEventsOf(trace.packets.filter((p) => types.has(p.payloadType)), trace.clockRate);
}

/** The report of a replay of `trace` whose audio came as `audio` says. */
export function streamReport(trace: Trace, audio: AudioChoice): StreamReport {
  return {
    stream: {
      ssrc: trace.ssrc,
      payloadType: trace.payloadType >= 0 ? trace.payloadType : null,
      codec: audio.streamCodec,
      clockRate: trace.clockRate,
      flows: trace.flows,
    },
    audioSource: audio.audioSource,
    ...(audio.reason !== null ? { audioSourceReason: audio.reason } : {}),
    ...telephoneEventFields(telephoneEventsOfTrace(trace)),
  };
}

function telephoneEventFields(events: TelephoneEventSummary[]): Pick<StreamReport, 'telephoneEvents' | 'telephoneEventList'> {
  return { telephoneEvents: events.length, telephoneEventList: events };
}

/** The report as lines for the replay's table: what was played and from where. */
export function describeStreamReport(report: StreamReport): string {
  const s = report.stream;
  const parts = [
    s.ssrc === null ? 'no SSRC (CSV)' : `SSRC ${formatSsrc(s.ssrc)}`,
    s.payloadType === null ? null : `PT ${s.payloadType}${s.codec ? ` (${s.codec})` : ''}`,
    `${s.clockRate} Hz`,
    ...s.flows,
  ].filter((part) => part !== null);
  const audio = report.audioSource === 'payload' ? "the stream's own payloads" : `replacement speech: ${report.audioSourceReason}`;
  const list = report.telephoneEventList.map((e) => `${e.digit ?? `event ${e.event}`} (${e.volume} dBm0, ${Math.round(e.durationMs)} ms)`).join(', ');
  const events = report.telephoneEvents > 0 ? `\ntelephone-events: ${report.telephoneEvents}: ${list}` : '';
  return `stream: ${parts.join(', ')}\naudio: ${audio}${events}`;
}
