// The chunk-stream player: AI-voice servers send audio chunks (of any length,
// often seconds ahead of real time at a response's start, then at the pace of
// generation), not RTP. The player keeps what has arrived in a store sized by
// duration (chunk_store.ts), cuts it into packets as playout needs them and
// feeds the same engine the packet path uses, so gaps of slow generation are
// concealed or stretched like network jitter, with the same profiles; audio
// ahead of real time is never seen as jitter. Between responses the engine
// rests (it is not pulled: silence is silence, and a response's end is no
// loss); each response starts a fresh stream. interrupt() fades out within
// 5 ms and tells how much of the response played, for a truncate call; marks
// fire when playout reaches them. PCM and G.711 chunks are cut into 20 ms
// packets; an Opus chunk is one packet already, and goes to the engine whole
// (its duration from its TOC byte).
//
// The same class runs in Node (server-side agents pull it themselves) and
// inside the chunk worklet (chunk_processor.ts). pull() allocates nothing; the
// other calls (pushChunk, done, mark, interrupt, clear) are for the thread that
// receives chunks.

import type { Engine, EngineModule, ProfileName, ProfileRecord } from '../engine/index.js';
import { JitterlaneError } from '../engine/errors.js';
import { STAT_BUFFERED_MS, STAT_NOW_FRAMES, STAT_PACKETS_BUFFERED } from '../engine/contract.js';
import type { LibOpus } from '../codecs/libopus.js';
import { checkOpusChunk, chunkFormat, OPUS_CHUNK_MAX_BYTES, OPUS_STORE_BYTES_PER_SECOND, type ChunkEncoding, type ChunkFormat } from './chunk_format.js';
import { ChunkPackets } from './chunk_packets.js';
import { ChunkResampler } from './chunk_resampler.js';
import { ChunkStore } from './chunk_store.js';

/** The engine's rate: what media positions count in. */
const ENGINE_RATE = 48000;
/** 20 ms packets, the size RTP voice uses: small enough to follow, large enough to cost little. */
const PACKET_MS = 20;
/** The fade of interrupt(): 5 ms (the bound), long enough not to click. */
const FADE_FRAMES = 240;
/** Silence played after a response's last sample so it ends whole, then the engine rests. */
const TAIL_PACKETS = 1;
/** Opus's shortest packet, 2.5 ms (RFC 6716 §2): the packet ring holds storeSeconds of them. */
const OPUS_SHORTEST_PACKET_MS = 2.5;
/**
 * The tail of an Opus response: 20 ms of CELT digital silence (fullband,
 * mono, one frame: TOC 0xF8, then the range coder's silence flag), the
 * packet libopus makes of 20 ms of zeros in its low-delay mode. It decodes to
 * exact zeros (test/unit/chunk_player.test.ts).
 */
const OPUS_SILENCE_PACKET = Uint8Array.of(0xf8, 0xff, 0xfe);
/** Marks remembered at once. */
const MAX_MARKS = 256;
/** Events kept between drains (the node drains every 20 ms; 256 is far more than fire in that time). */
const MAX_EVENTS = 256;

/** flushEngine() drops decoded audio 128 frames at a time, for at most 100 ms (it holds about 11 ms). */
const FLUSH_PULL_FRAMES = 128;
const MAX_FLUSH_PULLS = 38;
/** Runs of the fade at the first create (about 1 ms): enough calls for V8 to optimize it, see warmUpFade(). */
const FADE_WARMUP_RUNS = 2000;

/** Multiplies `frames` frames of `out` by the fade's falling gain, `fadeLeft` frames from its end; returns the frames left after. */
function fadeOut(out: Float32Array[], frames: number, fadeLeft: number): number {
  for (let i = 0; i < frames; i++) {
    const gain = fadeLeft > 0 ? fadeLeft / FADE_FRAMES : 0;
    for (let c = 0; c < out.length; c++) out[c][i] *= gain;
    if (fadeLeft > 0) fadeLeft--;
  }
  return fadeLeft;
}

let fadeWarm = false;
/**
 * The fade runs only after a barge-in, so it would stay cold, and V8's
 * interpreter boxes every double it computes (about 12 KB in process() per
 * interrupt, measured by test/unit/chunk_allocation.test.ts). It is run once
 * per thread over quanta as pull() runs it, its zero-gain end included (a
 * branch never taken would deoptimize it on first use), until the optimizing
 * tiers have compiled it. A plain function, not a method: optimized code of a
 * method is dropped whenever its object's fields change type.
 */
function warmUpFade(): void {
  if (fadeWarm) return;
  fadeWarm = true;
  const scratch = [new Float32Array(128)];
  for (let k = 0; k < FADE_WARMUP_RUNS; k++) for (let left = FADE_FRAMES; left > 0; ) left = fadeOut(scratch, 128, left);
}

/** Options of a chunk player. */
export interface ChunkPlayerOptions {
  encoding: ChunkEncoding;
  sampleRate: number;
  profile?: ProfileName | ProfileRecord;
  /** Seconds of audio the store holds ahead of playout (default 180: three minutes of speech). */
  storeSeconds?: number;
}

/**
 * What happened, in order, for the thread that listens. `frame` is the
 * player's clock (frames it emitted since create) when it happened: for a
 * mark, the output frame at which the mark's sample played.
 */
export type ChunkEvent =
  | { kind: 'mark'; name: string; responseId: string; frame: number }
  | { kind: 'response-start'; responseId: string; frame: number }
  | { kind: 'response-end'; responseId: string; playedMs: number; frame: number };

/** One slot of the preallocated event ring: pull() fills slots (no allocation), drainEvents() copies them out. */
interface EventSlot {
  kind: ChunkEvent['kind'];
  name: string;
  responseId: string;
  playedMs: number;
  frame: number;
}

/** Per-response figures. */
export interface ResponseStats {
  responseId: string;
  /** Engine ms from the response's first chunk to its first played sample (null until then). */
  timeToFirstAudioMs: number | null;
  /** Times the response's audio came later than real time needed it: generation too slow to keep up. */
  underruns: number;
  playedMs: number;
  /** Audio of the response never played (interrupted or cleared), and chunks refused after an interrupt. */
  droppedMs: number;
  state: 'queued' | 'playing' | 'ended' | 'interrupted' | 'cleared';
}

interface Response {
  stats: ResponseStats;
  /** Store positions (bytes): where the response starts, and where it ends once done(). */
  startByte: number;
  endByte: number | null;
  /** Engine frames of the response fed to the engine, and of it pushed so far. */
  fedFrames: number;
  pushedFrames: number;
  /** Engine frames inserted for the response: its audio and the silence that pads its end. */
  insertedFrames: number;
  firstChunkAtFrames: number;
}

interface Mark {
  name: string;
  response: Response;
  /** Media position in the response, engine frames. */
  atFrames: number;
}

/** Plays chunk streams through an engine (see the file comment). */
export class ChunkPlayer {
  readonly format: ChunkFormat;
  readonly engine: Engine;
  private readonly store: ChunkStore;
  private readonly resampler: ChunkResampler | null;
  /** Where each stored packet ends, for a framed stream (Opus); null when the store is cut into 20 ms packets. */
  private readonly packets: ChunkPackets | null;
  /** Bytes of a 20 ms packet; for a framed stream, the largest chunk taken. */
  private readonly packetBytes: number;
  /** Engine frames per stored byte (0 for a framed stream). */
  private readonly framesPerByte: number;
  private readonly responses: Response[] = [];
  private readonly marks: Mark[] = [];
  private readonly events: EventSlot[] = Array.from({ length: MAX_EVENTS }, () => ({ kind: 'mark', name: '', responseId: '', playedMs: 0, frame: 0 }));
  /** The ring's oldest event and how many wait (events past MAX_EVENTS between drains are dropped, counted). */
  private eventsHead = 0;
  private eventsWaiting = 0;
  private eventsDropped = 0;
  private readonly interrupted = new Set<string>();
  /** When chunks reached the store: their end's store position and the player's clock then (frames). */
  private readonly arrivals: { endByte: number; atFrames: number }[] = [];
  /** The engine frame the current response's first packet was due at, and the engine frames of it fed since. */
  private responseDueFrame = 0;
  private scheduledFrames = 0;
  private readonly packetFrames = (ENGINE_RATE * PACKET_MS) / 1000;
  private current: Response | null = null;
  private sequence = 0;
  private timestamp = 0;
  private tailToFeed = 0;
  /** Where flushEngine() pulls the audio it drops. */
  private readonly flushScratch = [new Float32Array(FLUSH_PULL_FRAMES)];
  /** Frames left of an interrupt's fade. */
  private fadeLeft = 0;
  /** Frames the player emitted: its clock (the engine's stops while it rests). */
  private clockFrames = 0;
  private nextAnonymous = 1;
  private droppedChunks = 0;

  constructor(module: EngineModule, options: ChunkPlayerOptions, opus?: LibOpus) {
    this.format = chunkFormat(options.encoding, options.sampleRate);
    const seconds = options.storeSeconds ?? 180;
    if (!(seconds > 0 && seconds <= 3600)) throw new JitterlaneError(`storeSeconds must be in (0, 3600], got ${seconds}`);
    const f = this.format;
    if (f.framed && !opus) throw new JitterlaneError("opus chunks need libopus: pass the LibOpus instance (in Node, sharedLibOpus())");
    this.packetBytes = f.framed ? OPUS_CHUNK_MAX_BYTES : ((f.storeRate * PACKET_MS) / 1000) * f.bytesPerSample;
    this.engine = module.createEngine({ codec: f.codec, clockRate: f.storeRate, payloadRate: f.storeRate, profile: options.profile ?? 'l4s', opus, slotBytes: Math.max(2048, this.packetBytes) });
    this.store = new ChunkStore(f.framed ? Math.ceil(seconds * OPUS_STORE_BYTES_PER_SECOND) : Math.ceil(seconds * f.storeRate) * f.bytesPerSample);
    this.packets = f.framed ? new ChunkPackets(Math.ceil((seconds * 1000) / OPUS_SHORTEST_PACKET_MS)) : null;
    this.resampler = f.resampled ? new ChunkResampler(f.sampleRate) : null;
    this.framesPerByte = f.framed ? 0 : ENGINE_RATE / f.storeRate / f.bytesPerSample;
    warmUpFade();
  }

  /** The last response not done, if any. */
  private lastOpen(responseId?: string): Response | undefined {
    for (let i = this.responses.length - 1; i >= 0; i--) {
      const r = this.responses[i];
      if (r.endByte === null && (responseId === undefined || r.stats.responseId === responseId)) return r;
    }
    return undefined;
  }

  /** The response chunks go to: the named one, or the last one not done. */
  private responseFor(responseId: string | undefined): Response | null {
    const id = responseId ?? this.lastOpen()?.stats.responseId ?? `response-${this.nextAnonymous++}`;
    if (this.interrupted.has(id)) return null;
    let r = this.responses.find((x) => x.stats.responseId === id && x.endByte === null);
    if (!r) {
      r = {
        stats: { responseId: id, timeToFirstAudioMs: null, underruns: 0, playedMs: 0, droppedMs: 0, state: 'queued' },
        startByte: this.store.writePosition,
        endByte: null,
        fedFrames: 0,
        insertedFrames: 0,
        pushedFrames: 0,
        firstChunkAtFrames: this.clockFrames,
      };
      this.responses.push(r);
    }
    return r;
  }

  /**
   * Queues a chunk of the stream's encoding (bytes; for 'f32', little-endian
   * float32; for 'opus', one Opus packet) for `responseId` (default: the
   * response still open). Returns false, counting it, when the response was
   * interrupted. Throws JitterlaneError when the store is full or an Opus
   * chunk is not one packet.
   */
  pushChunk(bytes: Uint8Array, responseId?: string): boolean {
    const opusFrames = this.packets ? checkOpusChunk(bytes) : 0;
    const r = this.responseFor(responseId);
    if (!r) {
      this.droppedChunks++;
      const ir = this.responses.find((x) => x.stats.responseId === responseId);
      if (ir) ir.stats.droppedMs += this.packets ? (opusFrames * 1000) / ENGINE_RATE : (bytes.length / this.sampleBytes() / this.format.sampleRate) * 1000;
      return false;
    }
    if (this.packets) {
      if (this.packets.full) throw new JitterlaneError(`the chunk store is full: ${this.packets.waiting} Opus packets wait to play (create the player with a larger storeSeconds)`);
      this.store.append(bytes);
      this.packets.push(bytes.length, opusFrames);
      this.arrivals.push({ endByte: this.store.writePosition, atFrames: this.clockFrames });
      r.pushedFrames += opusFrames;
      return true;
    }
    let stored = bytes;
    if (this.resampler) stored = new Uint8Array(this.resampler.push(this.toFloat(bytes)).buffer);
    else if (bytes.length % this.format.bytesPerSample !== 0) throw new JitterlaneError(`a ${this.format.encoding} chunk must hold whole samples (${this.format.bytesPerSample} bytes each), got ${bytes.length} bytes`);
    this.store.append(stored);
    this.arrivals.push({ endByte: this.store.writePosition, atFrames: this.clockFrames });
    r.pushedFrames += stored.length * this.framesPerByte;
    return true;
  }

  /** The response's last chunk has come: it ends when its audio has played (no concealment after it). */
  done(responseId?: string): void {
    const r = this.lastOpen(responseId);
    if (!r) return;
    if (this.resampler) {
      const tail = this.resampler.flush();
      this.resampler.reset();
      if (tail.length > 0) {
        this.store.append(new Uint8Array(tail.buffer));
        r.pushedFrames += tail.length;
      }
    }
    r.endByte = this.store.writePosition;
  }

  /** A mark at the end of what was pushed for the open response: fires when playout reaches it. */
  mark(name: string, responseId?: string): void {
    if (this.marks.length >= MAX_MARKS) throw new JitterlaneError(`more than ${MAX_MARKS} marks wait to fire`);
    const r = this.responseFor(responseId);
    if (!r) return;
    this.marks.push({ name, response: r, atFrames: r.pushedFrames });
  }

  /** Drops everything queued (telephony `clear`): what plays now fades out; marks not reached never fire. */
  clear(): void {
    this.stop('cleared');
  }

  /**
   * Barge-in: playout fades out within 5 ms, everything queued is dropped, and
   * chunks that come later for the interrupted response are dropped and
   * counted. Returns the response and how much of it played, in ms of its
   * audio (counted to the last sample of the fade).
   */
  interrupt(): { responseId: string | null; playedMs: number } {
    const r = this.current;
    const playedFrames = r ? this.playedFrames(r) + Math.min(FADE_FRAMES, this.aheadFrames()) : 0;
    this.stop('interrupted');
    return { responseId: r ? r.stats.responseId : null, playedMs: (playedFrames * 1000) / ENGINE_RATE };
  }

  private stop(state: 'interrupted' | 'cleared'): void {
    const r = this.current;
    if (r) this.fadeLeft = FADE_FRAMES;
    for (const x of this.responses) {
      if (x.stats.state === 'ended' || x.stats.state === 'interrupted' || x.stats.state === 'cleared') continue;
      if (state === 'interrupted') this.interrupted.add(x.stats.responseId);
      const played = x === r ? this.playedFrames(x) + Math.min(FADE_FRAMES, this.aheadFrames()) : 0;
      x.stats.playedMs = (played * 1000) / ENGINE_RATE;
      x.stats.droppedMs += ((x.pushedFrames - played) * 1000) / ENGINE_RATE;
      x.stats.state = state;
      if (x.endByte === null) x.endByte = this.store.writePosition;
    }
    this.store.discardTo();
    this.packets?.clear();
    this.marks.length = 0;
    this.tailToFeed = 0;
    this.resampler?.reset();
    this.current = null;
  }

  /** Engine frames buffered ahead of the play point (refreshed by the last pull). */
  private aheadFrames(): number {
    return (this.engine.statsView[STAT_BUFFERED_MS] * ENGINE_RATE) / 1000;
  }

  /**
   * Media frames of `r` played: what was inserted less what waits in the
   * engine, at most its audio (what waits at the end is the padding's silence,
   * so a mark at the response's last sample fires when that sample plays).
   */
  private playedFrames(r: Response): number {
    return Math.min(r.fedFrames, Math.max(0, r.insertedFrames - this.aheadFrames()));
  }

  private sampleBytes(): number {
    return this.format.encoding === 'pcm16' ? 2 : this.format.encoding === 'f32' ? 4 : 1;
  }

  private toFloat(bytes: Uint8Array): Float32Array {
    if (this.format.encoding === 'f32') return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 4)));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(bytes.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true) / 32768;
    return out;
  }

  /** Moves the next response into play when the engine rests. */
  private startNext(): void {
    // Finished responses are kept for stats, the latest 64 of them.
    while (this.responses.length > 64 && this.responses[0].stats.state !== 'queued' && this.responses[0] !== this.current) this.responses.shift();
    // An index loop, not find(): this runs every quantum while the player rests, and a closure would allocate.
    let next: Response | null = null;
    for (let i = 0; i < this.responses.length && !next; i++) {
      const r = this.responses[i];
      if (r.stats.state === 'queued' && (r.endByte !== null || this.store.writePosition > r.startByte)) next = r;
    }
    if (!next) return;
    this.engine.reset();
    this.responseDueFrame = this.engine.statsView[STAT_NOW_FRAMES];
    this.scheduledFrames = 0;
    this.current = next;
    next.stats.state = 'playing';
    this.pushEvent('response-start', '', next.stats.responseId, 0, this.clockFrames);
  }

  /**
   * The player's clock when the bytes up to absolute store position `end`
   * had all arrived (chunk arrivals are kept in order; older ones are let go).
   */
  private arrivedAt(end: number): number {
    while (this.arrivals.length > 1 && this.arrivals[1].endByte <= this.store.readPosition) this.arrivals.shift();
    for (let i = 0; i < this.arrivals.length; i++) if (this.arrivals[i].endByte >= end) return this.arrivals[i].atFrames;
    return Infinity;
  }

  /**
   * Inserts each packet when it is due: as a sender at real-time pace would
   * deliver it (the response's start + its media time), or when its bytes
   * arrived if generation was slower. Audio ahead of real time so waits in
   * the store and reaches the engine without jitter; slow generation reaches
   * it late, as network lateness does, and is concealed or stretched.
   */
  private feed(): void {
    const r = this.current!;
    const now = this.engine.statsView[STAT_NOW_FRAMES];
    // The player's clock runs on while the engine rests: map arrivals onto the engine's clock.
    const engineMinusPlayer = now - this.clockFrames;
    const packets = this.packets;
    for (;;) {
      const due = this.responseDueFrame + this.scheduledFrames;
      if (due > now) return;
      const end = r.endByte ?? Infinity;
      const left = Math.min(this.store.available, end - this.store.readPosition);
      // A framed stream's packet is its chunk; the rest are cut into 20 ms, a response's last one shorter.
      const take = packets ? packets.nextBytes : Math.min(this.packetBytes, left);
      const ready = packets ? left > 0 : left >= this.packetBytes || (r.endByte !== null && left > 0);
      let length = 0;
      let frames = this.packetFrames;
      let arrival = due;
      if (ready) {
        arrival = Math.max(due, this.arrivedAt(this.store.readPosition + take) + engineMinusPlayer);
        if (arrival > now) return;
        // The payload goes straight into the engine's input area.
        length = this.store.readInto(this.engine.inputView, take);
        if (packets) {
          frames = packets.nextFrames;
          packets.shift();
          r.fedFrames += frames;
        } else {
          r.fedFrames += length * this.framesPerByte;
        }
        if (r.endByte !== null && this.store.readPosition >= end) this.tailToFeed = TAIL_PACKETS;
      } else if (this.tailToFeed > 0) {
        this.tailToFeed--;
        if (packets) {
          this.engine.inputView.set(OPUS_SILENCE_PACKET);
          length = OPUS_SILENCE_PACKET.length;
        }
      } else {
        return;
      }
      // Generation was slower than real time: the packet goes out as a pausing sender would send
      // it, its timestamp moved on by the pause (a sequence-contiguous gap) and the schedule with
      // it, so the engine conceals the pause and merges into the audio, and finds no later packet
      // late. (Moving the schedule alone, as before, left the engine's timeline behind it by every
      // short stall, so each later packet came late: in the 8 s stream with 5 stalls of
      // test/browser/chunks_ws.test.ts 21 packets were discarded and there were 102 concealment
      // events; now none are discarded, and there is one event per stall.)
      if (arrival > due) {
        r.stats.underruns++;
        const pauseSamples = Math.ceil(((arrival - due) * this.format.storeRate) / ENGINE_RATE);
        this.timestamp = (this.timestamp + pauseSamples) >>> 0;
        this.responseDueFrame += (pauseSamples * ENGINE_RATE) / this.format.storeRate;
      }
      if (packets) {
        this.engine.insertWritten(length, this.sequence, this.timestamp, -1, arrival);
      } else {
        // A short last packet plays whole: the rest of it is silence, as is the tail.
        this.engine.inputView.fill(this.format.silenceByte, length, this.packetBytes);
        this.engine.insertWritten(this.packetBytes, this.sequence, this.timestamp, -1, arrival);
      }
      this.sequence = (this.sequence + 1) & 0xffff;
      this.timestamp = (this.timestamp + (frames * this.format.storeRate) / ENGINE_RATE) >>> 0;
      this.scheduledFrames += frames;
      r.insertedFrames += frames;
      this.engine.refreshStats();
    }
  }

  /**
   * Emits `frames` frames per channel (the player's output; the engine's
   * arrays, or zeros while it rests). No allocation.
   */
  pull(frames: number, out: Float32Array[]): void {
    if (!this.current && this.fadeLeft === 0) this.startNext();
    const r = this.current;
    if (r) this.engine.refreshStats();
    if (r && r.stats.state === 'playing') this.feed();
    if (r || this.fadeLeft > 0) {
      this.engine.pullInto(out, frames);
      this.engine.refreshStats();
      if (this.fadeLeft > 0) {
        this.fadeLeft = fadeOut(out, frames, this.fadeLeft);
        if (this.fadeLeft === 0) this.flushEngine();
      }
    } else {
      for (let c = 0; c < out.length; c++) out[c].fill(0, 0, frames);
    }
    this.clockFrames += frames;
    if (r) this.afterPull(r, frames);
  }

  private afterPull(r: Response, frames: number): void {
    const played = this.playedFrames(r);
    if (r.stats.timeToFirstAudioMs === null && played > 0) r.stats.timeToFirstAudioMs = ((this.clockFrames - r.firstChunkAtFrames) * 1000) / ENGINE_RATE;
    r.stats.playedMs = (played * 1000) / ENGINE_RATE;
    // Marks reached fire; the rest are kept in order, compacted in place (splice would allocate).
    let kept = 0;
    for (let i = 0; i < this.marks.length; i++) {
      const m = this.marks[i];
      if (m.response === r && played >= m.atFrames) {
        // Playout passed the mark's sample `played - atFrames` frames before the end of this quantum.
        this.pushEvent('mark', m.name, r.stats.responseId, 0, Math.max(this.clockFrames - frames, this.clockFrames - (played - m.atFrames)));
      } else {
        this.marks[kept++] = m;
      }
    }
    this.marks.length = kept;
    // The response has played out (its tail of silence is all that is left): the engine rests.
    const st = this.engine.statsView;
    if (r.endByte !== null && this.store.readPosition >= r.endByte && this.tailToFeed === 0 && st[STAT_PACKETS_BUFFERED] === 0) {
      r.stats.state = 'ended';
      r.stats.playedMs = (Math.min(r.fedFrames, r.pushedFrames) * 1000) / ENGINE_RATE;
      this.pushEvent('response-end', '', r.stats.responseId, r.stats.playedMs, this.clockFrames);
      this.current = null;
    }
  }

  /**
   * After an interrupt's fade: forgets the stream and drops the audio the
   * engine had already decoded. A stream reset keeps that (11.3 ms measured),
   * and it played at the start of the next response: audio of the
   * interrupted one. No allocation; at most a few extra engine pulls, once.
   */
  private flushEngine(): void {
    this.engine.reset();
    this.engine.refreshStats();
    for (let i = 0; i < MAX_FLUSH_PULLS && this.engine.statsView[STAT_BUFFERED_MS] > 0; i++) {
      this.engine.pullInto(this.flushScratch, FLUSH_PULL_FRAMES);
      this.engine.refreshStats();
    }
  }

  /** Writes an event into the next free slot of the ring; no allocation. */
  private pushEvent(kind: ChunkEvent['kind'], name: string, responseId: string, playedMs: number, frame: number): void {
    if (this.eventsWaiting === MAX_EVENTS) {
      this.eventsDropped++;
      return;
    }
    const slot = this.events[(this.eventsHead + this.eventsWaiting) % MAX_EVENTS];
    slot.kind = kind;
    slot.name = name;
    slot.responseId = responseId;
    slot.playedMs = playedMs;
    slot.frame = frame;
    this.eventsWaiting++;
  }

  /** Events since the last drain, oldest first (allocates: not for process()). */
  drainEvents(): ChunkEvent[] {
    const out: ChunkEvent[] = [];
    for (; this.eventsWaiting > 0; this.eventsWaiting--) {
      const e = this.events[this.eventsHead];
      this.eventsHead = (this.eventsHead + 1) % MAX_EVENTS;
      if (e.kind === 'mark') out.push({ kind: 'mark', name: e.name, responseId: e.responseId, frame: e.frame });
      else if (e.kind === 'response-start') out.push({ kind: 'response-start', responseId: e.responseId, frame: e.frame });
      else out.push({ kind: 'response-end', responseId: e.responseId, playedMs: e.playedMs, frame: e.frame });
    }
    return out;
  }

  /** The engine's webrtc-stats counters, the player's own and every response's. */
  stats(): { engine: ReturnType<Engine['stats']>; responses: ResponseStats[]; droppedChunks: number; droppedEvents: number; storedMs: number } {
    return {
      engine: this.engine.stats(),
      responses: this.responses.map((r) => ({ ...r.stats })),
      droppedChunks: this.droppedChunks,
      droppedEvents: this.eventsDropped,
      storedMs: ((this.packets ? this.packets.framesWaiting : this.store.available * this.framesPerByte) * 1000) / ENGINE_RATE,
    };
  }

  destroy(): void {
    this.engine.destroy();
  }
}
