// AI-voice chunk streams for the Chromium tests (issue #15): what a server
// sends, message by message, with realistic pacing — a response's first
// seconds in a burst, then chunks of 40–200 ms at generation pace (5 % faster
// than real time) with stalls of 50–300 ms, then its end — in each of the
// three message shapes (and binary Opus packets), and a tiny WebSocket server (RFC 6455, loopback) that
// sends a schedule of them. Seeded: every run sends the same messages at the
// same offsets.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChunkMessageShape } from '../../src/chunks/chunk_feeds.js';
import { sharedLibOpus } from '../../src/engine/node_loader.js';
import { seededRandom } from '../../src/seeded_random.js';
import { binaryFrame } from '../helpers/ws_test_server.js';
import { muLaw, pcm16le } from '../unit/chunk_fixtures.js';

/** One WebSocket message, sent `atMs` after the connection opens: text (JSON) or binary. */
export interface ScheduledMessage {
  atMs: number;
  data: string | Uint8Array;
}

/** The streams these tests send: the three message shapes, and binary messages of one Opus packet each (a TTS socket's). */
export type ChunkShape = ChunkMessageShape | 'binary-opus';

/** The feed shape, encoding and rate of each stream (as the services that send it do). */
export const SHAPE_FORMAT: Record<ChunkShape, { feed: ChunkMessageShape; encoding: 'pcm16' | 'mulaw' | 'opus'; sampleRate: number }> = {
  'realtime-json': { feed: 'realtime-json', encoding: 'pcm16', sampleRate: 24000 },
  'media-stream-json': { feed: 'media-stream-json', encoding: 'mulaw', sampleRate: 8000 },
  binary: { feed: 'binary', encoding: 'pcm16', sampleRate: 48000 },
  'binary-opus': { feed: 'binary', encoding: 'opus', sampleRate: 48000 },
};

/** Opus packets of these tests: 20 ms (mono, 32 kbit/s, in-band FEC on: libopus's VoIP defaults of src/codecs/libopus.ts). */
export const OPUS_PACKET_SAMPLES = 960;

/** `x` (48 kHz) as 20 ms Opus packets, its last one padded with zeros. */
export function opusPackets(x: Float32Array): Uint8Array[] {
  const encoder = sharedLibOpus().createEncoder({ channels: 1 });
  const packets: Uint8Array[] = [];
  for (let at = 0; at < x.length; at += OPUS_PACKET_SAMPLES) {
    const pcm = new Int16Array(OPUS_PACKET_SAMPLES);
    for (let i = 0; i < OPUS_PACKET_SAMPLES && at + i < x.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(x[at + i]! * 32768)));
    packets.push(encoder.encode(pcm));
  }
  encoder.destroy();
  return packets;
}

/** How a response is paced. */
export interface Pacing {
  /** Seconds sent at once when the response starts. */
  burstSeconds: number;
  /** When generation resumes after the burst, ms after the response starts: a little before the burst has played. */
  resumeMs: number;
  /** Generation speed against real time. */
  speed: number;
  /** The chance that a chunk is held back by a stall of 50–300 ms; the third chunk after the burst always is, by 300 ms. */
  stallChance: number;
}

export const DEFAULT_PACING: Pacing = { burstSeconds: 3, resumeMs: 2850, speed: 1.05, stallChance: 0.2 };

/** A chunk of a response: its samples (offsets into the response) and when it is sent. */
export interface PlannedChunk {
  from: number;
  to: number;
  atMs: number;
}

/** When each chunk of `samples` samples at `rate` goes out (see Pacing). */
export function planChunks(samples: number, rate: number, pacing: Pacing, seed: number): PlannedChunk[] {
  const random = seededRandom(seed);
  const chunks: PlannedChunk[] = [];
  const burst = Math.min(samples, Math.round(pacing.burstSeconds * rate));
  // The burst as 100 ms deltas, all at once (servers send what they have as fast as the socket takes it).
  for (let at = 0; at < burst; at += rate / 10) chunks.push({ from: at, to: Math.min(burst, at + rate / 10), atMs: 0 });
  let stalls = 0;
  let k = 0;
  for (let at = burst; at < samples; k++) {
    // 40–200 ms chunks, in 5 ms steps (whole samples at 8 kHz).
    const length = Math.round((8 + Math.floor(random() * 33)) * rate * 0.005);
    const stall = k === 2 ? 300 : random() < pacing.stallChance ? 50 + random() * 250 : 0;
    stalls += stall;
    const to = Math.min(samples, at + length);
    // Sent once generated: generation runs `speed` times real time from resumeMs on (the chunk's end is what must exist).
    chunks.push({ from: at, to, atMs: pacing.resumeMs + ((to - burst) / rate / pacing.speed) * 1000 + stalls });
    at = to;
  }
  return chunks;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The bytes of `x` in the shape's encoding (PCM and G.711 streams). */
export function encodeFor(shape: ChunkShape, x: Float32Array): Uint8Array {
  return SHAPE_FORMAT[shape].encoding === 'mulaw' ? muLaw(x) : pcm16le(x);
}

/** The chunks of `x` as the stream sends them: a slice of its bytes each, or for Opus the packets that end inside the chunk. */
function chunkPayloads(shape: ChunkShape, x: Float32Array, chunks: PlannedChunk[]): Uint8Array[][] {
  if (SHAPE_FORMAT[shape].encoding === 'opus') {
    const packets = opusPackets(x);
    let sent = 0;
    return chunks.map((c) => {
      const out: Uint8Array[] = [];
      while (sent < packets.length && (sent + 1) * OPUS_PACKET_SAMPLES <= c.to) out.push(packets[sent++]!);
      if (c.to === x.length) while (sent < packets.length) out.push(packets[sent++]!);
      return out;
    });
  }
  const bytes = encodeFor(shape, x);
  const bytesPerSample = bytes.length / x.length;
  return chunks.map((c) => [bytes.subarray(c.from * bytesPerSample, c.to * bytesPerSample)]);
}

/** The messages of one response of `x` (at the shape's rate): its chunks, then its end, all from `startMs` on. */
export function responseMessages(shape: ChunkShape, x: Float32Array, options: { id: string; startMs: number; seed: number; pacing?: Pacing; marks?: { name: string; afterSample: number }[] }): ScheduledMessage[] {
  const chunks = planChunks(x.length, SHAPE_FORMAT[shape].sampleRate, options.pacing ?? DEFAULT_PACING, options.seed);
  const payloads = chunkPayloads(shape, x, chunks);
  const out: ScheduledMessage[] = [];
  const marks = [...(options.marks ?? [])];
  for (const [k, c] of chunks.entries()) {
    const atMs = options.startMs + c.atMs;
    for (const payload of payloads[k]!) {
      if (shape === 'realtime-json') out.push({ atMs, data: JSON.stringify({ type: 'response.output_audio.delta', response_id: options.id, delta: base64(payload) }) });
      else if (shape === 'media-stream-json') out.push({ atMs, data: JSON.stringify({ event: 'media', media: { payload: base64(payload) } }) });
      else out.push({ atMs, data: payload });
    }
    // A mark right after the media that reaches its sample (telephony media streams send them so).
    while (marks.length > 0 && marks[0]!.afterSample <= c.to) out.push({ atMs, data: JSON.stringify({ event: 'mark', mark: { name: marks.shift()!.name } }) });
  }
  const endMs = out[out.length - 1]!.atMs + 20;
  if (shape === 'realtime-json') out.push({ atMs: endMs, data: JSON.stringify({ type: 'response.output_audio.done', response_id: options.id }) });
  // A TTS socket ends its binary audio with a JSON text message; the page calls done() on it. Media streams have no end.
  else if (SHAPE_FORMAT[shape].feed === 'binary') out.push({ atMs: endMs, data: JSON.stringify({ type: 'end' }) });
  return out;
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A text frame, unmasked (server to client), FIN set: the binary frame with the text opcode. */
function textFrame(text: string): Uint8Array {
  const frame = binaryFrame(new TextEncoder().encode(text));
  frame[0] = 0x81;
  return frame;
}

/** Starts a server on 127.0.0.1 that sends each connection `schedule` (then closes it 300 ms after the last message). */
export async function startChunkServer(schedule: ScheduledMessage[]): Promise<{ server: Server; url: string }> {
  const ordered = [...schedule].sort((a, b) => a.atMs - b.atMs);
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') return void socket.destroy();
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const opened = performance.now();
    let next = 0;
    // One timer at a time, each to the next message's time from the connection's opening (no drift).
    const send = () => {
      while (next < ordered.length && ordered[next]!.atMs <= performance.now() - opened) {
        const m = ordered[next++]!;
        socket.write(typeof m.data === 'string' ? textFrame(m.data) : binaryFrame(m.data));
      }
      if (next < ordered.length) timer = setTimeout(send, ordered[next]!.atMs - (performance.now() - opened));
      else timer = setTimeout(() => socket.end(new Uint8Array([0x88, 0])), 300);
    };
    let timer = setTimeout(send, 0);
    socket.on('close', () => clearTimeout(timer));
    socket.on('error', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return { server, url: `ws://127.0.0.1:${address.port}` };
}
