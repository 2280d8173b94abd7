// Taking over playout from the browser's own jitter buffer: an
// RTCRtpScriptTransform on an RTCRtpReceiver hands every encoded audio frame
// (payload, RTP timestamp, sequence number, SSRC) to jitterlane instead of
// the browser's decoder, so NetEq plays silence and jitterlane plays the audio.
// The app plays jitterlane's node, not the remote track.

import { CN_PAYLOAD_TYPE } from '../rtp/comfort_noise.js';
import { checkPayloadTypeOptions, type PayloadTypeOptions } from '../rtp/payload_type_rule.js';
import type { TakenFrame, TakenTelephoneEvent, TakeoverCounters, TakeoverTransformOptions, TakeoverWorkerMessage } from './transform_worker.js';

/** What the frames go to: JitterlaneNode. */
export interface TakeoverSink {
  push(payload: Uint8Array, info: { sequenceNumber: number; timestamp: number; ssrc?: number; marker?: boolean; payloadType?: number; arrivalTime?: number }): boolean;
  readonly context: { currentTime: number };
  /** A path of the worker's own into the worklet (JitterlaneNode has it): frames then skip the main thread. */
  attachProducer?(): { ring?: SharedArrayBuffer; port?: MessagePort; clock?: SharedArrayBuffer; maxPayloadBytes: number };
}

/** The takeover's own counts, apart from the engine's. */
export interface TakeoverStats {
  /** Frames the receiver's transform handed over. */
  frames: number;
  /** Frames without payload (bandwidth probes: padding-only RTP packets), dropped, not invalid. */
  emptyFrames: number;
  /** Frames that went straight from the worker into the worklet. */
  direct: number;
  /** Frames the worker's ring had no room for. */
  ringFull: number;
  /** Frames of a payload type that is neither the codec's (the payloadType option), comfort noise nor telephone-events: dropped. */
  foreignFrames: number;
  /** Telephone-event frames: reported as the node's 'telephoneevent' events, not played. */
  telephoneEventFrames: number;
  /** RFC 2198 redundant-audio frames (audio/red, where the app prefers it): their primary frames play. */
  redFrames: number;
  /** Copies of earlier frames in RED frames that stood in for packets not received (they reach the engine as those packets, late). */
  redRecovered: number;
  /** RED frames whose headers do not fit their payload: dropped. */
  redMalformed: number;
}

export interface ReceiverTakeover {
  /** Frames received from the transform. */
  readonly frames: () => number;
  /** The takeover's counts (updated twice a second when the worker writes straight into the worklet). */
  stats(): TakeoverStats;
  /** The takeover's counts as the worker has them now; rejects if the worker does not answer within 2 s. */
  refreshStats(): Promise<TakeoverStats>;
  /** Gives the receiver back to the browser: its own decoder plays the frames again. */
  release(): void;
}

function defaultWorkerUrl(): URL {
  return new URL('../../worklet/jitterlane-transform-worker.js', import.meta.url);
}

/** True when this browser can take over a receiver (RTCRtpScriptTransform exists). */
export function receiverTakeoverSupported(): boolean {
  return typeof (globalThis as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform === 'function';
}

/**
 * Routes `receiver`'s encoded audio to `sink`. With a sink that has
 * attachProducer() (JitterlaneNode), the transform's worker writes every frame
 * straight into the worklet, stamped on the audio clock where the page is
 * cross-origin isolated; otherwise frames come through the page and are
 * stamped with the context's time there. Throws when the browser lacks
 * RTCRtpScriptTransform (check receiverTakeoverSupported() first).
 */
export function takeOverReceiver(
  receiver: RTCRtpReceiver,
  sink: TakeoverSink,
  options: {
    workerUrl?: string | URL;
    /** Also let the browser decode (to compare the two buffers). */
    passThrough?: boolean;
  } & PayloadTypeOptions = {},
): ReceiverTakeover {
  const Transform = (globalThis as { RTCRtpScriptTransform?: new (worker: Worker, options?: unknown) => unknown }).RTCRtpScriptTransform;
  if (!Transform) throw new Error('RTCRtpScriptTransform is not available in this browser');
  const worker = new Worker(String(options.workerUrl ?? defaultWorkerUrl()));
  let viaPage = 0;
  checkPayloadTypeOptions('takeOverReceiver', options);
  let counters: TakeoverCounters = { type: 'counters', frames: 0, emptyFrames: 0, written: 0, ringFull: 0, foreignFrames: 0, telephoneEventFrames: 0, redFrames: 0, redRecovered: 0, redMalformed: 0 };
  const waiting: (() => void)[] = [];
  worker.onmessage = (event: MessageEvent<TakenFrame | TakeoverCounters | TakenTelephoneEvent>) => {
    const message = event.data;
    if (message?.type === 'counters') {
      counters = message;
      for (const resolve of waiting.splice(0)) resolve();
      return;
    }
    if (message?.type === 'telephone-event') {
      // Reported on the node, as push() reports the telephone-events it takes.
      (sink as Partial<EventTarget>).dispatchEvent?.(new CustomEvent('telephoneevent', { detail: message.event }));
      return;
    }
    if (message?.type !== 'frame') return;
    viaPage++;
    try {
      sink.push(new Uint8Array(message.payload), {
        sequenceNumber: message.sequenceNumber,
        timestamp: message.timestamp,
        ssrc: message.ssrc,
        marker: message.marker,
        // Only audio and comfort noise come this way (the worker sorted the frames): PT 13 tells push() which.
        payloadType: message.payloadType === CN_PAYLOAD_TYPE ? CN_PAYLOAD_TYPE : undefined,
        arrivalTime: sink.context.currentTime,
      });
    } catch {
      // A malformed frame: the sink counts what it can; one bad frame must not stop the stream.
    }
  };
  if (typeof sink.attachProducer === 'function') {
    const channel = sink.attachProducer();
    const sinkMessage: TakeoverWorkerMessage = { type: 'sink', ...channel };
    worker.postMessage(sinkMessage, channel.port ? [channel.port] : []);
  }
  const transformOptions: TakeoverTransformOptions = {
    kind: 'jitterlane-takeover',
    passThrough: options.passThrough === true,
    payloadType: options.payloadType,
    telephoneEventPayloadType: options.telephoneEventPayloadType,
    // A receiver's audio here is Opus, whose RTP clock (and its telephone-event's, as Chromium negotiates them) is 48 kHz.
    clockRate: 48000,
    // For browsers whose frames do not say their mimeType: RED's type, where negotiation already named it.
    redPayloadType: negotiatedRedPayloadType(receiver),
  };
  (receiver as unknown as { transform: unknown }).transform = new Transform(worker, transformOptions);
  const stats = (): TakeoverStats => ({
    frames: Math.max(counters.frames, viaPage),
    emptyFrames: counters.emptyFrames,
    direct: counters.written,
    ringFull: counters.ringFull,
    foreignFrames: counters.foreignFrames,
    telephoneEventFrames: counters.telephoneEventFrames,
    redFrames: counters.redFrames,
    redRecovered: counters.redRecovered,
    redMalformed: counters.redMalformed,
  });
  return {
    frames: () => stats().frames,
    stats,
    refreshStats: () =>
      new Promise<TakeoverStats>((resolve, reject) => {
        const answered = () => {
          clearTimeout(timer);
          resolve(stats());
        };
        // A worker that never answers must not keep the waiter (nor the promise) forever.
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(answered), 1);
          reject(new Error('takeover: the transform worker did not answer within 2 s'));
        }, 2000);
        waiting.push(answered);
        const ask: TakeoverWorkerMessage = { type: 'counters' };
        worker.postMessage(ask);
      }),
    release() {
      const release: TakeoverWorkerMessage = { type: 'release' };
      worker.postMessage(release);
    },
  };
}

/** The payload type of audio/red among the receiver's negotiated codecs, if any (before negotiation ends there may be none). */
function negotiatedRedPayloadType(receiver: RTCRtpReceiver): number | undefined {
  try {
    return receiver.getParameters().codecs?.find((c) => c.mimeType.toLowerCase() === 'audio/red')?.payloadType;
  } catch {
    return undefined;
  }
}
