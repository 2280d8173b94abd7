// The common AI-voice case: a server streams audio over a WebSocket. The
// framing is one RTP packet (RFC 3550 header: 12 bytes, CSRCs, extension and
// padding allowed) per binary message; the payload is whatever codec the
// JitterlaneNode was created for (PCM16LE, L16, PCMU, PCMA, ...). Text
// messages are left to the app (onText). Malformed messages are counted,
// never thrown.

import { JitterlaneError } from '../engine/errors.js';
import { parseRtp } from '../trace/rtp.js';

/** For servers and tests: one RTP packet (12-byte header + payload), the framing this feed reads. */
export { buildRtpPacket, type RtpFields } from './rtp_packet.js';

/** What the helper pushes into: JitterlaneNode (or anything with its push and context). */
export interface PacketSink {
  push(payload: Uint8Array, info: { sequenceNumber: number; timestamp: number; ssrc?: number; marker?: boolean; payloadType?: number; arrivalTime?: number }): boolean;
  readonly context?: { currentTime: number };
}

/** Counters of a WebSocket feed. */
export interface WebSocketFeedStats {
  messages: number;
  packets: number;
  malformed: number;
  dropped: number;
  textMessages: number;
}

export interface WebSocketFeedOptions {
  /** Called with text messages (control/JSON from the server). */
  onText?: (text: string) => void;
  /** Stamp each packet with the context's currentTime on arrival (default true: the worklet then knows the exact arrival). */
  stampArrival?: boolean;
}

/** A running feed; close() detaches it (the socket is left to its owner). */
export interface WebSocketFeed {
  readonly stats: WebSocketFeedStats;
  close(): void;
}

/** True for something with a `then` method: a promise handed over where its value was meant. */
function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Feeds every binary message of `socket` (one RTP packet each) to `sink`.
 * Throws a JitterlaneError at once when the arguments cannot work: a sink
 * without push() (a forgotten `await` hands over the promise of
 * JitterlaneNode.create, whose every packet would otherwise be counted as
 * malformed), or a socket without addEventListener.
 */
export function feedFromWebSocket(socket: WebSocket, sink: PacketSink, options: WebSocketFeedOptions = {}): WebSocketFeed {
  if (isThenable(sink)) throw new JitterlaneError('feedFromWebSocket: the node is a promise; await JitterlaneNode.create(...) before feeding it');
  if (!sink || typeof (sink as Partial<PacketSink>).push !== 'function') throw new JitterlaneError(`feedFromWebSocket: the second argument must be a JitterlaneNode (or anything with push()), got ${sink === null ? 'null' : typeof sink}`);
  if (!socket || typeof (socket as Partial<WebSocket>).addEventListener !== 'function') throw new JitterlaneError(`feedFromWebSocket: the first argument must be a WebSocket, got ${socket === null ? 'null' : typeof socket}`);
  if (options === null || typeof options !== 'object') throw new JitterlaneError(`feedFromWebSocket: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const stats: WebSocketFeedStats = { messages: 0, packets: 0, malformed: 0, dropped: 0, textMessages: 0 };
  socket.binaryType = 'arraybuffer';
  const stamp = options.stampArrival !== false;
  const onMessage = (event: MessageEvent) => {
    stats.messages++;
    if (typeof event.data === 'string') {
      stats.textMessages++;
      options.onText?.(event.data);
      return;
    }
    if (!(event.data instanceof ArrayBuffer)) {
      stats.malformed++;
      return;
    }
    const bytes = new Uint8Array(event.data);
    const rtp = parseRtp(bytes, bytes.length);
    if (!rtp || !rtp.payload || rtp.payload.length === 0) {
      stats.malformed++;
      return;
    }
    try {
      const accepted = sink.push(rtp.payload, {
        sequenceNumber: rtp.sequenceNumber,
        timestamp: rtp.timestamp,
        ssrc: rtp.ssrc,
        marker: rtp.marker,
        // The node sorts the packet by it (its payloadType and telephoneEventPayloadType options; PT 13 is comfort noise).
        payloadType: rtp.payloadType,
        arrivalTime: stamp && sink.context ? sink.context.currentTime : undefined,
      });
      if (accepted) stats.packets++;
      else stats.dropped++;
    } catch {
      stats.malformed++;
    }
  };
  socket.addEventListener('message', onMessage);
  return { stats, close: () => socket.removeEventListener('message', onMessage) };
}
