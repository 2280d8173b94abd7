// The Worker side of the receiver takeover: an RTCRtpScriptTransform hands it
// the receiver's encoded audio frames. Once the page has handed it a path of
// its own into the worklet (JitterlaneNode.attachProducer()), it writes each
// frame straight there — into a shared ring, stamped with its arrival on the
// worklet's audio clock, or as packet batches on a port — so neither the main
// thread's task queue nor its coarse clock sits between the network and the
// jitter buffer. Before that (or for sinks without attachProducer) it posts
// frames to the page as before. It does not pass frames on, so the browser's
// own jitter buffer and decoder get nothing (unless passThrough, for
// comparisons). Bundled to dist/worklet/jitterlane-transform-worker.js.

import { feedPacketRole, TelephoneEventTracker, type PayloadTypeOptions, type TelephoneEventReport } from '../rtp/payload_type_rule.js';
import { RedundantAudioSplitter } from '../rtp/redundant_audio.js';
import { AudioClockEstimator } from '../transport/audio_clock.js';
import { encodeBatch, type TransportPacket } from '../transport/packet_batch.js';
import { PacketRing } from '../transport/packet_ring.js';

/** What the worker posts for each frame when it has no path of its own yet. */
export interface TakenFrame {
  type: 'frame';
  payload: ArrayBuffer;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker: boolean;
  /** A copy of the packet's frame that a later (RED) packet carried. */
  redundantCopy: boolean;
}

/** A telephone-event the worker took (at an event's start and at its end), for the page to report on the node. */
export interface TakenTelephoneEvent {
  type: 'telephone-event';
  event: TelephoneEventReport;
}

/** The transform's options (RTCRtpScriptTransform's second argument), as takeOverReceiver sets them. */
export interface TakeoverTransformOptions extends PayloadTypeOptions {
  kind: 'jitterlane-takeover';
  passThrough: boolean;
  /** The audio's RTP clock, for telephone-event durations (48 kHz: a WebRTC receiver's Opus). */
  clockRate: number;
  /** RFC 2198 redundant audio's payload type, where the SDP negotiated it (frames whose metadata says audio/red are RED too). */
  redPayloadType?: number;
}

/** What the worker reports to the page now and then. */
export interface TakeoverCounters {
  type: 'counters';
  /** Frames the transform handed over. */
  frames: number;
  /** Frames without payload (Chromium's bandwidth probes: padding-only RTP packets), dropped. */
  emptyFrames: number;
  /** Frames written into the worklet's path. */
  written: number;
  /** Frames the shared ring had no room for. */
  ringFull: number;
  /** Frames of a payload type that is not the codec's, comfort noise or telephone-events (with the payloadType option), dropped. */
  foreignFrames: number;
  /** Telephone-event frames, reported as events, not played. */
  telephoneEventFrames: number;
  /** RED frames (RFC 2198): their primary frames are played, not the RED payload. */
  redFrames: number;
  /** Copies of earlier frames a RED frame carried that stood in for packets not received, written. */
  redRecovered: number;
  /** RED frames whose headers do not fit their payload, dropped. */
  redMalformed: number;
}

/** The page's messages to the worker. */
export type TakeoverWorkerMessage =
  | { type: 'sink'; ring?: SharedArrayBuffer; port?: MessagePort; clock?: SharedArrayBuffer; maxPayloadBytes: number }
  /** Give the receiver back: every frame goes on to the browser's decoder, none to jitterlane. */
  | { type: 'release' }
  /** Send the counters now (the page wants them fresh, not up to COUNTERS_EVERY_MS old). */
  | { type: 'counters' };

interface EncodedAudioFrame {
  data: ArrayBuffer;
  timestamp?: number;
  getMetadata(): { synchronizationSource?: number; payloadType?: number; sequenceNumber?: number; rtpTimestamp?: number; marker?: boolean; mimeType?: string };
}

interface TransformEvent extends Event {
  transformer: { readable: ReadableStream<EncodedAudioFrame>; writable: WritableStream<EncodedAudioFrame>; options?: unknown };
}

/** How often the counters reach the page: often enough for getStats, rarely enough to cost nothing. */
const COUNTERS_EVERY_MS = 500;

const scope = globalThis as unknown as {
  onrtctransform: ((event: TransformEvent) => void) | null;
  onmessage: ((event: MessageEvent<TakeoverWorkerMessage>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

let ring: PacketRing | null = null;
let port: MessagePort | null = null;
let clock: AudioClockEstimator | null = null;
let maxPayloadBytes = Infinity;
const counters: TakeoverCounters = { type: 'counters', frames: 0, emptyFrames: 0, written: 0, ringFull: 0, foreignFrames: 0, telephoneEventFrames: 0, redFrames: 0, redRecovered: 0, redMalformed: 0 };
const telephoneEvents = new TelephoneEventTracker();
const redundantAudio = new RedundantAudioSplitter();
let countersSentAt = 0;
let released = false;

scope.onmessage = (event: MessageEvent<TakeoverWorkerMessage>) => {
  const m = event.data;
  if (m?.type === 'release') {
    released = true;
    return;
  }
  if (m?.type === 'counters') {
    scope.postMessage({ ...counters });
    return;
  }
  if (m?.type !== 'sink') return;
  ring = m.ring ? new PacketRing(m.ring) : null;
  port = m.port ?? null;
  clock = m.clock ? new AudioClockEstimator(m.clock) : null;
  maxPayloadBytes = m.maxPayloadBytes;
};

/** Writes one frame into the worklet's path; false when the page has given none yet. */
function writeToWorklet(payload: Uint8Array, sequenceNumber: number, timestamp: number, ssrc: number, marker: boolean, comfortNoise: boolean, redundantCopy: boolean): boolean {
  if (!ring && !port) return false;
  // The arrival on the audio clock when the page is isolated; else the worklet stamps it when it drains.
  const arrivalFrame = clock?.running ? clock.frameAt(performance.now()) : Number.NaN;
  if (payload.length > maxPayloadBytes) return true; // the node counts oversize payloads it sees; this one it cannot
  if (ring) {
    if (ring.write(payload, sequenceNumber, timestamp, ssrc, marker, arrivalFrame, comfortNoise, redundantCopy)) counters.written++;
    else counters.ringFull++;
  } else {
    const packet: TransportPacket = { payload, sequenceNumber, timestamp, ssrc, marker, arrivalFrame, comfortNoise, redundantCopy };
    const batch = encodeBatch([packet]);
    port!.postMessage({ batch }, [batch]);
    counters.written++;
  }
  return true;
}

/** Sorts one frame by its payload type (the rule of every feed: src/rtp/payload_type_rule.ts) and sends it on. */
function take(payload: Uint8Array, payloadType: number | undefined, sequenceNumber: number, timestamp: number, ssrc: number, marker: boolean, redundantCopy: boolean, options: Partial<TakeoverTransformOptions>, passThrough: boolean): void {
  const role = feedPacketRole(payloadType, options);
  if (role === 'foreign') {
    counters.foreignFrames++;
  } else if (role === 'telephone-event') {
    counters.telephoneEventFrames++;
    const report = telephoneEvents.accept(payload, timestamp, options.clockRate ?? 48000);
    if (report) scope.postMessage({ type: 'telephone-event', event: report } satisfies TakenTelephoneEvent);
  } else if (!writeToWorklet(payload, sequenceNumber, timestamp, ssrc, marker, role === 'comfort-noise', redundantCopy)) {
    // The frame's bytes go to the page; passThrough keeps the original for the browser's decoder.
    const bytes = passThrough || payload.byteLength !== payload.buffer.byteLength ? payload.slice().buffer : (payload.buffer as ArrayBuffer);
    const message: TakenFrame = { type: 'frame', payload: bytes, sequenceNumber, timestamp, ssrc, payloadType: payloadType ?? -1, marker, redundantCopy };
    scope.postMessage(message, [message.payload]);
  }
}

scope.onrtctransform = (event: TransformEvent) => {
  const reader = event.transformer.readable.getReader();
  // passThrough (comparisons only): the browser's decoder gets the frames too.
  const options = (event.transformer.options ?? {}) as Partial<TakeoverTransformOptions>;
  const passThrough = options.passThrough === true;
  // Released, the transform stays and passes every frame on: Chromium 156 does not start decoding
  // again when a receiver's transform is removed after it took frames away.
  const writer = event.transformer.writable.getWriter();
  // Browsers that do not expose the sequence number get a count per frame: frames come in order.
  let counted = 0;
  const pump = async (): Promise<void> => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) return;
      if (released) {
        await writer.write(frame);
        continue;
      }
      counters.frames++;
      const meta = frame.getMetadata();
      const timestamp = (meta.rtpTimestamp ?? frame.timestamp ?? 0) >>> 0;
      const sequenceNumber = (meta.sequenceNumber ?? counted) & 0xffff;
      counted = (sequenceNumber + 1) & 0xffff;
      const ssrc = (meta.synchronizationSource ?? 0) >>> 0;
      const marker = meta.marker === true;
      if (frame.data.byteLength === 0) {
        // A padding-only packet (a bandwidth probe): no audio, nothing lost.
        counters.emptyFrames++;
        redundantAudio.noteSequence(sequenceNumber, ssrc);
      } else if (meta.mimeType?.toLowerCase() === 'audio/red' || (options.redPayloadType !== undefined && meta.payloadType === options.redPayloadType)) {
        counters.redFrames++;
        const frames = redundantAudio.split(new Uint8Array(frame.data), sequenceNumber, timestamp, ssrc);
        if (!frames) counters.redMalformed++;
        for (const f of frames ?? []) {
          if (f.recovered) counters.redRecovered++;
          take(f.payload, f.payloadType, f.sequenceNumber, f.timestamp, ssrc, marker && !f.recovered, f.recovered, options, passThrough);
        }
      } else {
        take(new Uint8Array(frame.data), meta.payloadType, sequenceNumber, timestamp, ssrc, marker, false, options, passThrough);
      }
      if (passThrough) await writer.write(frame);
      const now = performance.now();
      if (now - countersSentAt >= COUNTERS_EVERY_MS) {
        countersSentAt = now;
        scope.postMessage({ ...counters });
      }
    }
  };
  void pump();
};
