// The engine's edge as a host meets it: the same input always gives the same
// bytes out, bad packets are counted rather than thrown, bad arguments are
// thrown as JitterlaneError before they reach the engine, and a destroyed
// engine refuses to be used.

import { describe, expect, it } from 'vitest';
import { JitterlaneError, type Engine } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import {
  PACKET_FRAMES, QUANTUM_FRAMES, driveStream, framesOfMs, pcm16Source, planStream, seededRandom, speech,
  type StreamPacket,
} from '../helpers/engine_stream.js';

/** 20 s with jitter, loss, swapped neighbours, duplicates, and a path 80 ms faster after 10 s (the buffer must come down). */
function roughStream(): StreamPacket[] {
  const random = seededRandom(99);
  const sent = planStream({
    count: 1000,
    payload: pcm16Source(speech()),
    arrival: (index, sendFrame) =>
      sendFrame + framesOfMs(index < 500 ? 100 : 20) + Math.round(framesOfMs(35) * random() ** 2) + (index % 11 === 4 ? framesOfMs(21) : 0),
  });
  const packets = sent.filter(() => random() >= 0.03);
  for (let i = 0; i < sent.length; i += 41) packets.push({ ...sent[i]!, arrivalFrame: sent[i]!.arrivalFrame + framesOfMs(3) });
  return packets;
}

/** Plays `packets` on `engine` with a switch to l4s at 7 s and back to classic at 14 s; returns all output as bytes. */
function playRough(engine: Engine, packets: StreamPacket[]): Uint8Array {
  const toL4s = Math.floor(framesOfMs(7000) / QUANTUM_FRAMES);
  const toClassic = Math.floor(framesOfMs(14_000) / QUANTUM_FRAMES);
  const run = driveStream(engine, packets, {
    beforeQuantum: (q) => {
      if (q === toL4s) engine.setProfile('l4s');
      if (q === toClassic) engine.setProfile('classic');
    },
  });
  const out = run.output[0]!;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

describe('determinism', () => {
  it('gives byte-identical output and stats for the same input, in fresh modules and in a reused one', () => {
    const packets = roughStream();
    const outputs: Uint8Array[] = [];
    const stats: object[] = [];
    const reused = loadEngineModule('release');
    const engines = [loadEngineModule('release'), loadEngineModule('release'), reused, reused].map((m) =>
      m.createEngine({ codec: 'PCM16LE', profile: 'classic' }),
    );
    for (const engine of engines) {
      outputs.push(playRough(engine, packets));
      stats.push(engine.stats());
      engine.destroy();
    }

    // The stream is rough enough to exercise stretching and concealment.
    const first = stats[0] as ReturnType<Engine['stats']>;
    expect(first.concealmentEvents).toBeGreaterThan(0);
    expect(first.removedSamplesForAcceleration).toBeGreaterThan(0);
    for (let i = 1; i < outputs.length; i++) {
      expect(Buffer.compare(outputs[i]!, outputs[0]!)).toBe(0);
      expect(stats[i]).toEqual(stats[0]);
    }
  });
});

describe('bad packets', () => {
  const engineModule = loadEngineModule('release');
  const fresh = () => engineModule.createEngine({ codec: 'PCM16LE' });
  const header = { sequenceNumber: 1, timestamp: 960, arrivalFrame: 0 };

  it("answers 'invalid' to an empty payload and counts it in packetsInvalid, not packetsReceived", () => {
    const engine = fresh();
    expect(engine.insert(new Uint8Array(0), header)).toBe('invalid');
    expect(engine.stats().packetsInvalid).toBe(1);
    expect(engine.stats().packetsReceived).toBe(0);
    engine.destroy();
  });

  it("answers 'invalid' to a payload one byte larger than inputCapacity, and accepts one of exactly inputCapacity", () => {
    const engine = fresh();
    // The default slot: 2048 bytes (assembly/index.ts DEFAULT_SLOT_BYTES).
    expect(engine.inputCapacity).toBe(2048);
    expect(engine.insert(new Uint8Array(2049), header)).toBe('invalid');
    expect(engine.insert(new Uint8Array(2048), header)).toBe('ok');
    const s = engine.stats();
    expect(s.packetsInvalid).toBe(1);
    expect(s.packetsReceived).toBe(1);
    engine.destroy();
  });
});

describe('a malformed payload (not a whole number of samples)', () => {
  const engineModule = loadEngineModule('release');

  it("is answered 'invalid' and counted like an empty one: in packetsInvalid, not packetsReceived", () => {
    const engine = engineModule.createEngine({ codec: 'PCM16LE' });
    // 1001 bytes of 16-bit PCM: half a sample too many.
    expect(engine.insert(new Uint8Array(1001), { sequenceNumber: 7, timestamp: 0, arrivalFrame: 0 })).toBe('invalid');
    const s = engine.stats();
    expect(s.packetsInvalid).toBe(1);
    expect(s.packetsReceived).toBe(0);
    engine.destroy();
  });

  it('does not mark its sequence number as received: the valid copy that follows is played, not dropped as a duplicate', () => {
    const packets = planStream({ count: 50, payload: pcm16Source(speech()), arrival: (_, sendFrame) => sendFrame + framesOfMs(20) });
    const corrupt = { ...packets[10]!, payload: packets[10]!.payload.subarray(0, 1001) };
    const repaired = { ...packets[10]!, arrivalFrame: packets[10]!.arrivalFrame + framesOfMs(1) };
    packets[10] = corrupt;
    const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: 'classic' });
    const run = driveStream(engine, [...packets, repaired]);
    const s = engine.stats();
    engine.destroy();

    expect(run.results[10]).toBe('invalid');
    expect(run.results[50]).toBe('ok');
    expect(s.packetsDuplicated).toBe(0);
    expect(s.packetsPlayed).toBe(50);
    expect(s.concealedSamples).toBe(0);
    // Accounting holds with the malformed packet outside it, as with an empty one.
    expect(s.packetsPlayed + s.packetsDiscarded).toBe(s.packetsReceived - s.packetsDuplicated);
  });
});

describe('bad arguments', () => {
  const engineModule = loadEngineModule('release');
  const payload = new Uint8Array(2 * PACKET_FRAMES);

  it.each([1.5, -1, 65_536, Number.NaN, Number.POSITIVE_INFINITY])('throws JitterlaneError for sequence number %s, and counts nothing', (sequenceNumber) => {
    const engine = engineModule.createEngine({ codec: 'PCM16LE' });
    expect(() => engine.insert(payload, { sequenceNumber, timestamp: 0 })).toThrow(JitterlaneError);
    const s = engine.stats();
    expect(s.packetsReceived).toBe(0);
    expect(s.packetsInvalid).toBe(0);
    engine.destroy();
  });

  it.each([0.5, -1, 2 ** 32])('throws JitterlaneError for timestamp %s', (timestamp) => {
    const engine = engineModule.createEngine({ codec: 'PCM16LE' });
    expect(() => engine.insert(payload, { sequenceNumber: 0, timestamp })).toThrow(JitterlaneError);
    engine.destroy();
  });

  it.each([0, -128, 100_000, Number.NaN])('throws JitterlaneError for pull(%s), and pulls up to 8192 frames', (frames) => {
    const engine = engineModule.createEngine({ codec: 'PCM16LE' });
    expect(() => engine.pull(frames)).toThrow(JitterlaneError);
    // 8192: the largest pull (assembly/engine.ts MAX_PULL_FRAMES).
    expect(engine.pull(8192)[0]).toHaveLength(8192);
    engine.destroy();
  });
});

describe('after destroy', () => {
  const engineModule = loadEngineModule('release');

  it('throws JitterlaneError from every verb, and a second destroy is harmless', () => {
    const engine = engineModule.createEngine({ codec: 'PCM16LE', eventLog: true });
    engine.destroy();
    const payload = new Uint8Array(2 * PACKET_FRAMES);
    expect(() => engine.insert(payload, { sequenceNumber: 0, timestamp: 0 })).toThrow(JitterlaneError);
    expect(() => engine.pull(128)).toThrow(JitterlaneError);
    expect(() => engine.stats()).toThrow(JitterlaneError);
    expect(() => engine.setProfile('l4s')).toThrow(JitterlaneError);
    expect(() => engine.drainEvents()).toThrow(JitterlaneError);
    expect(() => engine.reset()).toThrow(JitterlaneError);
    expect(() => engine.destroy()).not.toThrow();
  });
});

describe('views over engine memory', () => {
  it('pullInto still reads real samples after another engine grew the memory (regression: NaN from a detached view)', () => {
    const module = loadEngineModule();
    const a = module.createEngine({ codec: 'PCM16LE', profile: 'l4s' });
    const out = [new Float32Array(128)];
    a.pullInto(out, 128);
    const before = module.exports.memory.buffer.byteLength;
    const others = [];
    while (module.exports.memory.buffer.byteLength === before) others.push(module.createEngine({ codec: 'PCM16LE' }));
    a.pullInto(out, 128);
    expect(out[0].every((v) => Number.isFinite(v))).toBe(true);
    for (const engine of [a, ...others]) engine.destroy();
  });
});
