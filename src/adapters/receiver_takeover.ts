// Taking over playout from the browser's own jitter buffer: an
// RTCRtpScriptTransform on an RTCRtpReceiver hands every encoded audio frame
// (payload, RTP timestamp, sequence number, SSRC) to jitterlane instead of
// the browser's decoder, so NetEq plays silence and jitterlane plays the audio.
// The app plays jitterlane's node, not the remote track.

import type { TakenFrame } from './transform_worker.js';

/** What the frames go to: JitterlaneNode. */
export interface TakeoverSink {
  push(payload: Uint8Array, info: { sequenceNumber: number; timestamp: number; ssrc?: number; arrivalTime?: number }): boolean;
  readonly context: { currentTime: number };
}

export interface ReceiverTakeover {
  /** Frames received from the transform. */
  readonly frames: () => number;
  /** Gives the receiver back to the browser. */
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
 * Routes `receiver`'s encoded audio to `sink`. Throws when the browser lacks
 * RTCRtpScriptTransform (check receiverTakeoverSupported() first).
 */
export function takeOverReceiver(
  receiver: RTCRtpReceiver,
  sink: TakeoverSink,
  options: { workerUrl?: string | URL; /** Also let the browser decode (to compare the two buffers). */ passThrough?: boolean } = {},
): ReceiverTakeover {
  const Transform = (globalThis as { RTCRtpScriptTransform?: new (worker: Worker, options?: unknown) => unknown }).RTCRtpScriptTransform;
  if (!Transform) throw new Error('RTCRtpScriptTransform is not available in this browser');
  const worker = new Worker(String(options.workerUrl ?? defaultWorkerUrl()));
  let frames = 0;
  worker.onmessage = (event: MessageEvent<TakenFrame>) => {
    const frame = event.data;
    if (frame?.type !== 'frame') return;
    frames++;
    try {
      sink.push(new Uint8Array(frame.payload), {
        sequenceNumber: frame.sequenceNumber,
        timestamp: frame.timestamp,
        ssrc: frame.ssrc,
        arrivalTime: sink.context.currentTime,
      });
    } catch {
      // An empty or malformed frame: the sink counts what it can; one bad frame must not stop the stream.
    }
  };
  (receiver as unknown as { transform: unknown }).transform = new Transform(worker, { kind: 'jitterlane-takeover', passThrough: options.passThrough === true });
  return {
    frames: () => frames,
    release() {
      (receiver as unknown as { transform: unknown }).transform = null;
      worker.terminate();
    },
  };
}
