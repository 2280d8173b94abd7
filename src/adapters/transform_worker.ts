// The Worker side of the receiver takeover: an RTCRtpScriptTransform hands it
// the receiver's encoded audio frames; it sends each frame's payload and RTP
// fields to the page (which pushes them into JitterlaneNode) and does not pass
// the frame on, so the browser's own jitter buffer and decoder get nothing
// and play silence. Bundled to dist/worklet/jitterlane-transform-worker.js.

/** What the worker posts for each frame. */
export interface TakenFrame {
  type: 'frame';
  payload: ArrayBuffer;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
}

interface EncodedAudioFrame {
  data: ArrayBuffer;
  timestamp?: number;
  getMetadata(): { synchronizationSource?: number; payloadType?: number; sequenceNumber?: number; rtpTimestamp?: number };
}

interface TransformEvent extends Event {
  transformer: { readable: ReadableStream<EncodedAudioFrame>; writable: WritableStream<EncodedAudioFrame>; options?: unknown };
}

const scope = globalThis as unknown as { onrtctransform: ((event: TransformEvent) => void) | null; postMessage(message: unknown, transfer?: Transferable[]): void };

scope.onrtctransform = (event: TransformEvent) => {
  const reader = event.transformer.readable.getReader();
  // passThrough (comparisons only): the browser's decoder gets the frames too.
  const passThrough = (event.transformer.options as { passThrough?: boolean } | undefined)?.passThrough === true;
  const writer = passThrough ? event.transformer.writable.getWriter() : null;
  // Browsers that do not expose the sequence number get a count per frame: frames come in order.
  let counted = 0;
  const pump = async (): Promise<void> => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) return;
      const meta = frame.getMetadata();
      const timestamp = meta.rtpTimestamp ?? frame.timestamp ?? 0;
      const sequenceNumber = meta.sequenceNumber ?? counted;
      counted = (sequenceNumber + 1) & 0xffff;
      const message: TakenFrame = {
        type: 'frame',
        payload: frame.data,
        sequenceNumber: sequenceNumber & 0xffff,
        timestamp: timestamp >>> 0,
        ssrc: (meta.synchronizationSource ?? 0) >>> 0,
        payloadType: meta.payloadType ?? -1,
      };
      if (writer) {
        message.payload = frame.data.slice(0);
        scope.postMessage(message, [message.payload]);
        await writer.write(frame);
      } else {
        scope.postMessage(message, [frame.data]);
      }
    }
  };
  void pump();
};
