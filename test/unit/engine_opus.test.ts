// Opus through the engine (codec 'opus': libopus from @evan/opus behind the host
// hooks): payloads stay encoded until played, every frame size and framing code
// plays, stereo, DTX, decoder reset on a new stream, corrupt payloads counted,
// in-band FEC counted as webrtc-stats does, concealment of exact length, and
// nothing allocated on the way (engine and libopus memory both flat).

import { describe, expect, it } from 'vitest';
import type { Engine, HostCodec, ProfileRecord } from '../../src/engine/index.js';
import { loadEngineModule, loadLibOpus, sharedLibOpus } from '../../src/engine/node_loader.js';
import { driveStream, framesOfMs, planStream, seededRandom, speech, type StreamPacket } from '../helpers/engine_stream.js';
import { opusFixture } from '../helpers/opus_fixtures.js';
import { FeedLoop } from '../../src/replay/feed_loop.js';
import { PacketListInput } from '../../src/replay/packet_input.js';
import { tracedDebugModule } from '../helpers/rtrace.js';

const engineModule = loadEngineModule();

/** Speech (from 1 s in) as interleaved int16 frames of `frames` samples, for `count` packets; channel 1 is quieter and 1 ms later. */
function speechPcm(count: number, frames: number, channels: 1 | 2): Int16Array[] {
  const voice = speech();
  const out: Int16Array[] = [];
  for (let k = 0; k < count; k++) {
    const pcm = new Int16Array(frames * channels);
    for (let i = 0; i < frames; i++) {
      const t = 48_000 + k * frames + i;
      pcm[i * channels] = Math.round(voice[t]! * 16_000);
      if (channels === 2) pcm[i * channels + 1] = Math.round(voice[t - 48]! * 8_000);
    }
    out.push(pcm);
  }
  return out;
}

function encode(pcm: Int16Array[], channels: 1 | 2, fec = true): Uint8Array[] {
  const encoder = sharedLibOpus().createEncoder({ channels, fec });
  const packets = pcm.map((p) => encoder.encode(p));
  encoder.destroy();
  return packets;
}

/** Packets one every `frames`, arriving on time, numbered from 0. */
function onTime(payloads: Uint8Array[], frames: number, lost: Set<number> = new Set()): StreamPacket[] {
  return planStream({ count: payloads.length, payload: (i) => payloads[i]!, arrival: (_, send) => send, packetFrames: frames }).filter((_, i) => !lost.has(i));
}

/** libopus decoding the same packets in a fresh decoder, planar float as the engine emits it. */
function referenceDecode(payloads: Uint8Array[], channels: 1 | 2): Float32Array[] {
  const lib = loadLibOpus();
  const decoder = lib.createDecoder(channels);
  const heap = { u8: lib.bytes, f32: new Float32Array(5760 * channels) };
  const out: number[][] = Array.from({ length: channels }, () => []);
  for (const p of payloads) {
    const scratch = lib.exports.malloc(p.length);
    lib.bytes.set(p, scratch);
    const n = decoder.decode({ u8: lib.bytes, f32: heap.f32 }, scratch, p.length, 0, 5760);
    lib.exports.free(scratch);
    for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) out[c]!.push(heap.f32[c * 5760 + i]!);
  }
  return out.map((a) => Float32Array.from(a));
}

/** Where the engine started playing: the output frame of the first played packet. */
function startFrame(events: { kind: string; frame: number }[]): number {
  return events.find((e) => e.kind === 'played')!.frame;
}

/** A buffer deep enough that every loss is known before its time: no waiting, no stretching. */
const DEEP: ProfileRecord = { floorMs: 200, ceilingMs: 500, deadbandMs: 1000, fastAboveMs: 2000 };

function opusEngine(channels: 1 | 2 = 1, profile: ProfileRecord | 'classic' = 'classic'): Engine {
  return engineModule.createEngine({ codec: 'opus', opus: sharedLibOpus(), channels, profile, eventLog: true });
}

describe('Opus playout', () => {
  it('plays the fixture bit-exactly as libopus decodes it, and decodes each packet only when it plays', () => {
    const fixture = opusFixture('speech-20ms-fec');
    const engine = opusEngine();
    const run = driveStream(engine, onTime(fixture.packets, 960));
    const s = engine.stats();
    engine.destroy();
    expect(s.packetsPlayed).toBe(fixture.packets.length);
    expect(s.concealedSamples).toBe(0);
    const reference = referenceDecode(fixture.packets, 1)[0]!;
    const start = startFrame(run.events);
    expect(run.output[0]!.subarray(start, start + reference.length)).toEqual(reference);
  });

  it.each([120, 240, 480, 960, 1920, 2880])('plays %i-frame packets whole', (frames) => {
    const payloads = encode(speechPcm(Math.round(framesOfMs(2000) / frames), frames, 1), 1);
    const engine = opusEngine();
    driveStream(engine, onTime(payloads, frames));
    const s = engine.stats();
    engine.destroy();
    expect(s.packetsPlayed).toBe(payloads.length);
    expect(s.totalSamplesReceived).toBe(payloads.length * frames);
    expect(s.packetsInvalid + s.decoderErrors + s.concealedSamples).toBe(0);
  });

  it('plays multi-frame packets (framing codes 1, 2 and 3) as their frames decoded in turn', () => {
    // Pairs of 10 ms frames (same TOC) repacked into one 20 ms packet each, the framing code cycling 1, 2, 3.
    const frames10 = encode(speechPcm(200, 480, 1), 1, false);
    const packed: Uint8Array[] = [];
    const played: Uint8Array[] = [];
    for (let k = 0; k + 1 < frames10.length; k += 2) {
      const a = frames10[k]!;
      // A packet's frames share one TOC: where the encoder changed bandwidth between the two, the first is sent twice.
      const b = (frames10[k + 1]![0]! & ~3) === (a[0]! & ~3) ? frames10[k + 1]! : a;
      played.push(a, b);
      const tocBase = a[0]! & ~3;
      const fa = a.subarray(1);
      const fb = b.subarray(1);
      const code = 1 + ((k / 2) % 3);
      if (code === 1 && fa.length === fb.length) packed.push(Uint8Array.from([tocBase | 1, ...fa, ...fb]));
      else if (code === 3) packed.push(Uint8Array.from([tocBase | 3, 0x80 | 2, fa.length, ...fa, ...fb]));
      else packed.push(Uint8Array.from([tocBase | 2, fa.length, ...fa, ...fb]));
    }
    const engine = opusEngine();
    const run = driveStream(engine, onTime(packed, 960));
    const s = engine.stats();
    engine.destroy();
    expect(s.packetsPlayed).toBe(packed.length);
    expect(s.decoderErrors + s.packetsInvalid).toBe(0);
    const reference = referenceDecode(played, 1)[0]!;
    const start = startFrame(run.events);
    expect(run.output[0]!.subarray(start, start + reference.length)).toEqual(reference);
  });

  it('plays stereo: two channels, each as libopus decodes it', () => {
    const payloads = encode(speechPcm(100, 960, 2), 2);
    const engine = opusEngine(2);
    const run = driveStream(engine, onTime(payloads, 960));
    engine.destroy();
    const reference = referenceDecode(payloads, 2);
    const start = startFrame(run.events);
    for (const c of [0, 1]) expect(run.output[c]!.subarray(start, start + reference[c]!.length)).toEqual(reference[c]);
    expect(reference[0]).not.toEqual(reference[1]);
  });

  it('plays 1-byte packets (Opus DTX) as one frame each, and the pause they signal (timestamp gap) as silence', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const toc = fixture.packets[0]![0]!;
    // 50 packets of speech, 10 TOC-only packets, then a 400 ms pause with no packets, then speech again.
    const packets: StreamPacket[] = [];
    let seq = 0;
    let ts = 0;
    const add = (payload: Uint8Array) => {
      packets.push({ sequenceNumber: seq++, timestamp: ts, arrivalFrame: ts, payload });
      ts += 960;
    };
    for (let k = 0; k < 50; k++) add(fixture.packets[k]!);
    for (let k = 0; k < 10; k++) add(Uint8Array.of(toc));
    ts += framesOfMs(400);
    for (let k = 50; k < 100; k++) add(fixture.packets[k]!);
    const engine = opusEngine();
    driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();
    expect(s.packetsPlayed).toBe(110);
    expect(s.decoderErrors + s.packetsInvalid).toBe(0);
    expect(s.dtxSamples).toBeGreaterThanOrEqual(framesOfMs(400) - 960);
    expect(s.concealedSamples).toBe(0);
    expect(s.silentConcealedSamples).toBe(0);
  });

  it('resets the decoder on an SSRC change: the new stream plays as a fresh decoder decodes it', () => {
    const fixture = opusFixture('speech-20ms-fec');
    const first = fixture.packets.slice(0, 100);
    const second = fixture.packets.slice(150, 250);
    const packets = [
      ...planStream({ count: 100, payload: (i) => first[i]!, arrival: (_, send) => send, ssrc: 1 }),
      ...planStream({ count: 100, payload: (i) => second[i]!, arrival: (_, send) => send + framesOfMs(2500), ssrc: 2, firstSequence: 5000, firstTimestamp: 123_456 }),
    ];
    const engine = opusEngine();
    const run = driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();
    expect(s.streamResets).toBe(1);
    expect(s.packetsPlayed).toBe(200);
    const reference = referenceDecode(second, 1)[0]!;
    const playedAfterReset = run.events.filter((e) => e.kind === 'played')[100]!.frame;
    expect(run.output[0]!.subarray(playedAfterReset, playedAfterReset + reference.length)).toEqual(reference);
  });

  it('counts corrupt payloads (refused when their framing is broken, a decoder error when libopus refuses them) and conceals them, never throwing', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const random = seededRandom(7);
    const payloads = fixture.packets.slice(0, 200).map((p, i) => {
      if (i % 10 !== 5) return p;
      if (i % 20 === 5) return Uint8Array.of((p[0]! & ~3) | 3, 0); // code 3 with zero frames: broken framing
      // Valid framing (code 2) whose first frame's length runs past the end: libopus refuses it.
      return Uint8Array.of((p[0]! & ~3) | 2, 250, ...Array.from({ length: 20 }, () => Math.floor(random() * 256)));
    });
    const engine = opusEngine();
    const run = driveStream(engine, onTime(payloads, 960));
    const s = engine.stats();
    engine.destroy();
    expect(s.packetsInvalid).toBe(20);
    expect(s.decoderErrors).toBe(10);
    expect(s.packetsPlayed).toBe(180);
    expect(s.concealmentEvents).toBe(20);
    expect(run.output[0]!.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
  });
});

describe('in-band FEC', () => {
  it('counts FEC-carrying packets as received, and as discarded when the packet before them arrived', () => {
    const fixture = opusFixture('speech-20ms-fec');
    const engine = opusEngine();
    driveStream(engine, onTime(fixture.packets, 960));
    const s = engine.stats();
    engine.destroy();
    expect(s.fecPacketsReceived).toBeGreaterThan(0.6 * fixture.packets.length);
    expect(s.fecPacketsDiscarded).toBe(s.fecPacketsReceived);
    expect(s.fecRecovered).toBe(0);
  });

  it('recovers a lost packet from the next one; every FEC packet is then used, discarded or still buffered', () => {
    const fixture = opusFixture('speech-20ms-fec');
    const lost = new Set([20, 45, 46, 90, 150, 151, 152, 200, 260]);
    const engine = opusEngine(1, DEEP);
    const run = driveStream(engine, onTime(fixture.packets, 960, lost));
    const s = engine.stats();
    engine.destroy();
    const recovered = run.events.filter((e) => e.kind === 'fec').map((e) => e.a - 65_536);
    // Each loss's last packet can come back from its successor's LBRR (when it carries one).
    expect(recovered.length).toBeGreaterThanOrEqual(4);
    for (const k of recovered) expect([20, 46, 90, 152, 200, 260]).toContain(k);
    expect(s.fecRecovered).toBe(recovered.length);
    expect(s.fecPacketsReceived).toBe(s.fecRecovered + s.fecPacketsDiscarded);
    // The rest of each burst was concealed, no more: (9 lost − recovered) × 960 frames.
    expect(s.concealedSamples).toBe((lost.size - recovered.length) * 960);
  });

  it('finds nothing to recover in a stream encoded without FEC', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const engine = opusEngine();
    driveStream(engine, onTime(fixture.packets, 960, new Set([20, 90, 200])));
    const s = engine.stats();
    engine.destroy();
    expect(s.fecPacketsReceived + s.fecRecovered).toBe(0);
    expect(s.concealedSamples).toBe(3 * 960);
  });
});

describe('codec concealment', () => {
  it('is exactly as long as the loss it covers, whatever the pull size', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const lost = new Set([30, 31, 77, 140]);
    for (const pull of [128, 100, 37, 441]) {
      const engine = opusEngine(1, DEEP);
      const loop = new FeedLoop(engine, new PacketListInput(onTime(fixture.packets, 960, lost)));
      while (loop.nowFrames < 300 * 960 + 20_000) loop.step(pull);
      const s = engine.stats();
      engine.destroy();
      expect(s.concealedSamples).toBe(4 * 960);
      expect(s.packetsPlayed).toBe(296);
    }
  });
});

describe('a packet that comes late, not lost', () => {
  // No stretching and a 10 ms floor: one packet 15 ms late runs the buffer dry for a few ms,
  // concealed by libopus; then the packet arrives, after its neighbours' time but not lost.
  const STALL: ProfileRecord = { floorMs: 10, ceilingMs: 300, deadbandMs: 1000, fastAboveMs: 2000, latenessWindowMs: 1000, episodeCostMs: 0 };
  const LATE = 60;

  it('decodes as the continuation of the audio played: the decoder rolls back from its concealment', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const packets = planStream({ count: 120, payload: (i) => fixture.packets[i]!, arrival: (i, send) => send + (i === LATE ? framesOfMs(15) : 0), packetFrames: 960 });
    const engine = opusEngine(1, STALL);
    const run = driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();
    expect(s.concealmentEvents).toBe(1);
    expect(s.concealedSamples).toBeGreaterThan(0);
    expect(s.packetsPlayed).toBe(120);
    // After the merge's cross-fade the output is libopus's own decode of the packets, shifted by
    // what the stall waited: the late packet decoded from the state before the concealment.
    const reference = referenceDecode(fixture.packets.slice(0, 120), 1)[0]!;
    const start = startFrame(run.events);
    const played = run.events.filter((e) => e.kind === 'played');
    const lateAt = played[LATE]!.frame;
    const shift = lateAt - (start + LATE * 960);
    expect(shift).toBe(s.concealedSamples);
    const from = lateAt + 120; // past the cross-fade
    const to = start + 110 * 960 + shift;
    expect(run.output[0]!.subarray(from, to)).toEqual(reference.subarray(from - start - shift, to - start - shift));
  });

  it('rolls back only then: when the packet was lost instead, the decoder runs on from its concealment', () => {
    const fixture = opusFixture('speech-20ms-nofec');
    const calls = (lost: boolean) => {
      const decoder = sharedLibOpus().createDecoder(1);
      const count = { checkpoint: 0, rollBack: 0 };
      const spy: HostCodec = {
        decode: (h, p, l, o, st) => decoder.decode(h, p, l, o, st),
        duration: (h, p, l) => decoder.duration(h, p, l),
        conceal: (h, o, f, st) => decoder.conceal(h, o, f, st),
        reset: () => decoder.reset(),
        checkpoint: () => {
          count.checkpoint++;
          decoder.checkpoint();
        },
        rollBack: () => {
          count.rollBack++;
          return decoder.rollBack();
        },
      };
      const engine = engineModule.createEngine({ codec: 'host', hostCodec: spy, profile: STALL });
      const packets = planStream({ count: 120, payload: (i) => fixture.packets[i]!, arrival: (i, send) => send + (i === LATE ? framesOfMs(15) : 0), packetFrames: 960 });
      driveStream(engine, lost ? packets.filter((_, i) => i !== LATE) : packets);
      const s = engine.stats();
      engine.destroy();
      decoder.destroy();
      return { ...count, events: s.concealmentEvents };
    };
    // A checkpoint at each concealment's start: the stall (or the loss), and the stream's end.
    expect(calls(false)).toEqual({ checkpoint: 2, rollBack: 1, events: 1 });
    expect(calls(true)).toEqual({ checkpoint: 2, rollBack: 0, events: 1 });
  });
});

describe('libopus checkpoint', () => {
  it('rolls the decoder back bit-exactly: decoding after checkpoint, concealment and roll-back equals never concealing', () => {
    const fixture = opusFixture('speech-20ms-fec');
    const lib = sharedLibOpus();
    const decode = (rollBack: boolean): Float32Array => {
      const decoder = lib.createDecoder(1);
      const f32 = new Float32Array(40 * 960 + 5760);
      const scratch = lib.exports.malloc(4000);
      for (let k = 0; k < 40; k++) {
        if (rollBack && k === 20) {
          decoder.checkpoint();
          decoder.conceal({ u8: lib.bytes, f32 }, 40 * 960, 960, 5760);
          expect(decoder.rollBack()).toBe(true);
          expect(decoder.rollBack()).toBe(false); // one roll-back per checkpoint
        }
        lib.bytes.set(fixture.packets[k]!, scratch);
        decoder.decode({ u8: lib.bytes, f32 }, scratch, fixture.packets[k]!.length, k * 960, 960);
      }
      lib.exports.free(scratch);
      decoder.destroy();
      return f32.subarray(0, 40 * 960);
    };
    expect(decode(true)).toEqual(decode(false));
  });
});

describe('memory', () => {
  it('allocates nothing in the engine and never grows libopus memory through a minute of lossy, jittery Opus', () => {
    const { engineModule: traced, counts } = tracedDebugModule();
    const lib = loadLibOpus();
    const engine = traced.createEngine({ codec: 'opus', opus: lib, profile: 'l4s' });
    const afterCreate = { ...counts };
    const libBytes = lib.exports.memory.buffer.byteLength;
    const engineBytes = traced.exports.memory.buffer.byteLength;
    const fixture = opusFixture('speech-20ms-fec');
    const random = seededRandom(99);
    const count = 3000; // 60 s, the 6 s fixture looped
    const packets = planStream({
      count,
      payload: (i) => fixture.packets[i % fixture.packets.length]!,
      arrival: (_, send) => send + framesOfMs(random() < 0.1 ? 40 * random() : 5 * random()),
    }).filter(() => random() > 0.05);
    driveStream(engine, packets);
    const s = engine.stats();
    expect(s.fecRecovered).toBeGreaterThan(50);
    expect(s.concealmentEvents).toBeGreaterThan(10);
    expect(counts).toEqual(afterCreate);
    expect(traced.exports.memory.buffer.byteLength).toBe(engineBytes);
    expect(lib.exports.memory.buffer.byteLength).toBe(libBytes);
    engine.destroy();
  });
});
