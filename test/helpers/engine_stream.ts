// Drives an engine the way the AudioWorklet processor does: before each
// 128-frame quantum, every packet whose arrival time has passed is inserted
// with its exact arrival frame, then the quantum is pulled. Also builds the
// packets: RTP numbering from a chosen start (so wraparound is easy to reach),
// arrival times from a function of the send time, and PCM16LE payloads of a
// tone or of the speech sample the project ships.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SAMPLE_RATE } from '../../src/engine/contract.js';
import type { Engine, EngineEvent, InsertResult } from '../../src/engine/index.js';
import { decodeWav } from '../../src/wav.js';

/** Output rate of every engine (assembly/abi.ts). */
export { SAMPLE_RATE };
/** Frames per pull: an AudioWorklet render quantum. */
export const QUANTUM_FRAMES = 128;
/** 20 ms at 48 kHz: the packet duration of most voice streams. */
export const PACKET_FRAMES = 960;

/** Frames on the 48 kHz output clock in `ms` milliseconds. */
export function framesOfMs(ms: number): number {
  return (ms * SAMPLE_RATE) / 1000;
}

/** Milliseconds of `frames` frames on the 48 kHz output clock. */
export function msOfFrames(frames: number): number {
  return (frames * 1000) / SAMPLE_RATE;
}

/** Streams with jitter and losses are the same on every run, so their measured figures are too. */
export { seededRandom } from '../../src/seeded_random.js';

/** One packet as the transport hands it over: RTP fields, arrival on the output clock, payload. */
export interface StreamPacket {
  sequenceNumber: number;
  timestamp: number;
  ssrc?: number;
  arrivalFrame: number;
  payload: Uint8Array;
}

/** A sine of `hz` at `amplitude`, `frames` long, whose phase is that of sample `startFrame` of an endless tone. */
export function tone(frames: number, hz: number, amplitude: number, startFrame = 0): Float32Array {
  const out = new Float32Array(frames);
  const radiansPerFrame = (2 * Math.PI * hz) / SAMPLE_RATE;
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin(radiansPerFrame * (startFrame + i));
  return out;
}

let speechCache: Float32Array | null = null;

/** assets/speech-48k.wav (48 kHz mono, about 19.8 s) as float samples. */
export function speech(): Float32Array {
  if (speechCache) return speechCache;
  const path = fileURLToPath(new URL('../../assets/speech-48k.wav', import.meta.url));
  const wav = decodeWav(readFileSync(path));
  if (wav.sampleRate !== SAMPLE_RATE || wav.channels !== 1) {
    throw new Error(`speech sample is ${wav.channels} channel(s) at ${wav.sampleRate} Hz; expected mono at 48 kHz`);
  }
  speechCache = wav.samples;
  return speechCache;
}

/** `frames` samples of `audio` from `startFrame` on, wrapping round to its beginning (an endless loop of it). */
export function loopSlice(audio: Float32Array, startFrame: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  let index = startFrame % audio.length;
  for (let i = 0; i < frames; i++) {
    out[i] = audio[index]!;
    index = index + 1 === audio.length ? 0 : index + 1;
  }
  return out;
}

/** Little-endian signed 16-bit PCM of float samples (already interleaved when stereo), rounded and clipped. */
export function pcm16le(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.round(samples[i]! * 32768);
    view.setInt16(i * 2, Math.max(-32768, Math.min(32767, value)), true);
  }
  return bytes;
}

/** Little-endian float32 of samples (already interleaved when stereo). */
export function f32le(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true);
  return bytes;
}

/** The audio the sender sends: payload of packet `index`, whose first sample is `sendFrame` of the sender's timeline. */
export type PayloadSource = (index: number, sendFrame: number) => Uint8Array;

/** PCM16LE packets cut from an endless loop of mono `audio`, `packetFrames` each. */
export function pcm16Source(audio: Float32Array, packetFrames = PACKET_FRAMES): PayloadSource {
  return (_index, sendFrame) => pcm16le(loopSlice(audio, sendFrame, packetFrames));
}

/** PCM16LE packets of an endless tone, phase-continuous from packet to packet. */
export function toneSource(hz: number, amplitude: number, packetFrames = PACKET_FRAMES): PayloadSource {
  return (_index, sendFrame) => pcm16le(tone(packetFrames, hz, amplitude, sendFrame));
}

/** How a sender numbers and times its packets, and when each reaches the receiver. */
export interface StreamPlan {
  /** Packets sent, one every `packetFrames`. */
  count: number;
  payload: PayloadSource;
  /** Arrival on the output clock of packet `index` sent at `sendFrame` (frames since the first was sent). */
  arrival: (index: number, sendFrame: number) => number;
  /** Frames of audio per packet at 48 kHz; default 20 ms. */
  packetFrames?: number;
  /** RTP clock ticks per 48 kHz frame; default 1 (a 48 kHz RTP clock). */
  ticksPerFrame?: number;
  firstSequence?: number;
  firstTimestamp?: number;
  ssrc?: number;
}

/** Packets numbered and timed as `plan` says, in sending order (the driver orders them by arrival). */
export function planStream(plan: StreamPlan): StreamPacket[] {
  const packetFrames = plan.packetFrames ?? PACKET_FRAMES;
  const ticksPerFrame = plan.ticksPerFrame ?? 1;
  const firstSequence = plan.firstSequence ?? 0;
  const firstTimestamp = plan.firstTimestamp ?? 0;
  const packets: StreamPacket[] = [];
  for (let index = 0; index < plan.count; index++) {
    const sendFrame = index * packetFrames;
    packets.push({
      sequenceNumber: (firstSequence + index) % 0x10000,
      timestamp: (firstTimestamp + sendFrame * ticksPerFrame) % 0x1_0000_0000,
      ssrc: plan.ssrc,
      arrivalFrame: plan.arrival(index, sendFrame),
      payload: plan.payload(index, sendFrame),
    });
  }
  return packets;
}

/** What one run of the driver saw. */
export interface DriveResult {
  /** Everything pulled, one array per channel. */
  output: Float32Array[];
  /** What insert() answered for each packet, in the order the packets were given. */
  results: InsertResult[];
  /** Gauges read after each pull, one entry per quantum. */
  targetDelayMs: Float64Array;
  currentDelayMs: Float64Array;
  bufferedMs: Float64Array;
  /** Drained events (empty unless the engine was created with `eventLog: true`). */
  events: EngineEvent[];
}

/** Hooks into the quantum loop, for profile switches and measurements. */
export interface DriveOptions {
  /** Quanta to pull; default: until 200 ms after the last arrival. */
  quanta?: number;
  /** Called before the packets of quantum `quantum` are inserted (the output clock stands at quantum × 128). */
  beforeQuantum?: (quantum: number) => void;
}

/** Stat block indices of the gauges (the order of assembly/stats.ts). */
const TARGET_DELAY_MS = 25;
const CURRENT_DELAY_MS = 26;
const BUFFERED_MS = 27;

/**
 * Runs `packets` through `engine` as an AudioWorklet would: before each
 * 128-frame quantum, the packets whose arrival frame is at or before the
 * output clock are inserted (in arrival order; equal arrivals in list order),
 * then 128 frames are pulled.
 */
export function driveStream(engine: Engine, packets: StreamPacket[], options: DriveOptions = {}): DriveResult {
  const order = packets.map((_, i) => i).sort((a, b) => packets[a]!.arrivalFrame - packets[b]!.arrivalFrame || a - b);
  const lastArrival = packets.reduce((latest, p) => Math.max(latest, p.arrivalFrame), 0);
  const quanta = options.quanta ?? Math.ceil((lastArrival + framesOfMs(200)) / QUANTUM_FRAMES);
  const output = Array.from({ length: engine.channels }, () => new Float32Array(quanta * QUANTUM_FRAMES));
  const results: InsertResult[] = new Array(packets.length);
  const targetDelayMs = new Float64Array(quanta);
  const currentDelayMs = new Float64Array(quanta);
  const bufferedMs = new Float64Array(quanta);
  const events: EngineEvent[] = [];
  let next = 0;
  for (let quantum = 0; quantum < quanta; quantum++) {
    options.beforeQuantum?.(quantum);
    const now = quantum * QUANTUM_FRAMES;
    while (next < order.length && packets[order[next]!]!.arrivalFrame <= now) {
      const index = order[next++]!;
      const p = packets[index]!;
      results[index] = engine.insert(p.payload, {
        sequenceNumber: p.sequenceNumber,
        timestamp: p.timestamp,
        ssrc: p.ssrc,
        arrivalFrame: p.arrivalFrame,
      });
    }
    const block = engine.pull(QUANTUM_FRAMES);
    for (let c = 0; c < block.length; c++) output[c]!.set(block[c]!.subarray(0, QUANTUM_FRAMES), now);
    const gauges = engine.statsView;
    targetDelayMs[quantum] = gauges[TARGET_DELAY_MS]!;
    currentDelayMs[quantum] = gauges[CURRENT_DELAY_MS]!;
    bufferedMs[quantum] = gauges[BUFFERED_MS]!;
    for (const event of engine.drainEvents()) events.push(event);
  }
  return { output, results, targetDelayMs, currentDelayMs, bufferedMs, events };
}

/** Unwrapped sequence numbers of the 'played' events, in playout order (the first packet of a stream is 65536). */
export function playedSequence(events: EngineEvent[]): number[] {
  return events.filter((e) => e.kind === 'played').map((e) => e.a);
}

/** How many events of `kind` there are. */
export function countEvents(events: EngineEvent[], kind: EngineEvent['kind']): number {
  return events.reduce((n, e) => n + (e.kind === kind ? 1 : 0), 0);
}
