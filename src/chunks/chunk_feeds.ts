// The three message shapes AI-voice servers use, as a few lines of glue over
// the chunk player each. No vendor SDK: the fields read are named here.
//
// - 'realtime-json': JSON text messages whose `type` ends in `.delta` carry
//   base64 PCM16 in `delta` (and the response in `response_id`); a `type`
//   ending in `audio.done` or `response.done` ends that response.
// - 'media-stream-json': telephony media streams: `{ event: 'media', media:
//   { payload } }` with base64 μ-law (8 kHz), `{ event: 'mark', mark: { name } }`
//   and `{ event: 'clear' }`.
// - 'binary': each binary message is one chunk of the node's encoding.

import { JitterlaneError } from '../engine/index.js';

/** What a feed needs of the player (JitterlaneChunkNode has it; so does the Node ChunkPlayer's wrapper). */
export interface ChunkSink {
  pushChunk(bytes: Uint8Array, responseId?: string): unknown;
  done(responseId?: string): unknown;
  mark(name: string, responseId?: string): unknown;
  clear(): unknown;
}

export type ChunkMessageShape = 'realtime-json' | 'media-stream-json' | 'binary';

/** Base64 to bytes (atob where there is one, Buffer in Node). */
export function base64Bytes(text: string): Uint8Array {
  if (typeof atob === 'function') {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  return new Uint8Array((globalThis as unknown as { Buffer: { from(s: string, e: string): Uint8Array } }).Buffer.from(text, 'base64'));
}

/** Handles one message of `shape`; returns false when it was not one the shape knows (left to the app). */
export function handleChunkMessage(shape: ChunkMessageShape, data: unknown, sink: ChunkSink): boolean {
  if (shape === 'binary') {
    if (data instanceof ArrayBuffer) sink.pushChunk(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) sink.pushChunk(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else return false;
    return true;
  }
  if (typeof data !== 'string') return false;
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (shape === 'realtime-json') {
    const type = String(m.type ?? '');
    const id = typeof m.response_id === 'string' ? m.response_id : undefined;
    if (type.endsWith('.delta') && typeof m.delta === 'string' && type.includes('audio')) sink.pushChunk(base64Bytes(m.delta), id);
    else if (type.endsWith('audio.done') || type === 'response.done') sink.done(id);
    else return false;
    return true;
  }
  const event = m.event;
  const media = m.media as { payload?: unknown } | undefined;
  const mark = m.mark as { name?: unknown } | undefined;
  if (event === 'media' && typeof media?.payload === 'string') sink.pushChunk(base64Bytes(media.payload));
  else if (event === 'mark' && mark && typeof mark.name === 'string') sink.mark(mark.name);
  else if (event === 'clear') sink.clear();
  else return false;
  return true;
}

/**
 * Feeds `ws`'s messages of `shape` to `sink`; messages the shape does not
 * know go to `onOther`. Throws at once on a socket that is not a WebSocket.
 */
export function feedChunksFromWebSocket(ws: WebSocket, sink: ChunkSink, shape: ChunkMessageShape, onOther?: (data: unknown) => void): void {
  if (!ws || typeof (ws as { addEventListener?: unknown }).addEventListener !== 'function') throw new JitterlaneError('feedChunksFromWebSocket: the first argument must be a WebSocket');
  if (!sink || typeof sink.pushChunk !== 'function') throw new JitterlaneError('feedChunksFromWebSocket: the sink must have pushChunk() (a JitterlaneChunkNode; did you forget an await?)');
  if (shape === 'binary') ws.binaryType = 'arraybuffer';
  ws.addEventListener('message', (event: MessageEvent) => {
    if (!handleChunkMessage(shape, event.data, sink)) onOther?.(event.data);
  });
}
