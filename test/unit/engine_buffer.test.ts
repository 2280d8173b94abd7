// The packet buffer as a host sees it through the engine: wraparound,
// reordering, duplicates, late packets, overflow, re-synchronisation, DTX
// against loss, and the accounting that ties the packet counters together.
// Every stream is driven the way the AudioWorklet drives the engine
// (test/helpers/engine_stream.ts): packets inserted before the 128-frame
// quantum in which their arrival falls, then the quantum pulled.

import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineOptions } from '../../src/engine/index.js';
import { RESET_REASON_HOST, RESET_REASON_SEQUENCE_LEAP, RESET_REASON_SSRC_CHANGE, RESET_REASON_TIMESTAMP_LEAP } from '../../src/engine/contract.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import {
  PACKET_FRAMES, QUANTUM_FRAMES, countEvents, driveStream, framesOfMs, pcm16Source, pcm16le, planStream,
  playedSequence, seededRandom, speech, tone, toneSource, type StreamPacket,
} from '../helpers/engine_stream.js';

const engineModule = loadEngineModule('release');
const engines: Engine[] = [];

function createEngine(options: Partial<EngineOptions> = {}): Engine {
  const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: 'classic', eventLog: true, ...options });
  engines.push(engine);
  return engine;
}

afterEach(() => {
  for (const engine of engines.splice(0)) engine.destroy();
});

// A one-way network delay for clean streams; any constant works, since the
// engine measures delay above the fastest packet.
const NETWORK_DELAY = framesOfMs(20);

// The first packet of every stream is unwrapped to 65536 (assembly/wrap.ts),
// so played sequence numbers count up from there.
const FIRST_UNWRAPPED = 65_536;

function consecutive(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

function onTime(_index: number, sendFrame: number): number {
  return sendFrame + NETWORK_DELAY;
}

describe('wraparound', () => {
  it('plays a stream whose sequence numbers cross 65535→0 and timestamps cross 2^32 without loss, concealment or resync', () => {
    // 100 packets: the sequence number wraps after the 50th, the timestamp after the 30th.
    const count = 100;
    const packets = planStream({
      count,
      firstSequence: 0x10000 - 50,
      firstTimestamp: 0x1_0000_0000 - 30 * PACKET_FRAMES,
      payload: toneSource(440, 0.5),
      arrival: onTime,
    });
    const engine = createEngine();
    const run = driveStream(engine, packets);
    const stats = engine.stats();

    expect(run.results.every((r) => r === 'ok')).toBe(true);
    expect(stats.packetsPlayed).toBe(count);
    expect(stats.packetsDiscarded).toBe(0);
    expect(stats.concealedSamples).toBe(0);
    expect(stats.streamResets).toBe(0);
    expect(playedSequence(run.events)).toEqual(consecutive(FIRST_UNWRAPPED, count));
  });

  it('emits the sent tone sample for sample across both wraps', () => {
    const count = 100;
    const sent = tone(count * PACKET_FRAMES, 440, 0.5);
    const packets = planStream({
      count,
      firstSequence: 0x10000 - 50,
      firstTimestamp: 0x1_0000_0000 - 30 * PACKET_FRAMES,
      payload: (_, sendFrame) => pcm16le(sent.subarray(sendFrame, sendFrame + PACKET_FRAMES)),
      arrival: onTime,
    });
    const engine = createEngine();
    const run = driveStream(engine, packets);

    // The first packet's first sample plays at the frame its 'played' event names.
    const start = run.events.find((e) => e.kind === 'played')!.frame;
    const played = run.output[0]!.subarray(start, start + sent.length);
    // PCM16LE carries round(x · 32768) / 32768; the engine emits exactly that (no stretch on a steady stream).
    const expected = sent.map((x) => Math.round(x * 32768) / 32768 + 0); // + 0: no negative zeros
    expect(Array.from(played)).toEqual(Array.from(expected));
  });
});

describe('reordering', () => {
  it('absorbs neighbours swapped within the target: nothing late, nothing concealed, played in sequence order', () => {
    // Every 4th packet is held 21 ms, so it arrives 1 ms after its successor:
    // a swap of neighbours. 21 ms is inside the classic profile's 40 ms floor,
    // and with a quarter of the packets at 21 ms the 0.97 quantile stays below 40.
    const count = 200;
    const packets = planStream({
      count,
      payload: pcm16Source(speech()),
      arrival: (index, sendFrame) => sendFrame + NETWORK_DELAY + (index % 4 === 1 ? framesOfMs(21) : 0),
    });
    const engine = createEngine();
    const run = driveStream(engine, packets);
    const stats = engine.stats();

    // The swap really happened: packet 1 reached the engine after packet 2.
    expect(packets[1]!.arrivalFrame).toBeGreaterThan(packets[2]!.arrivalFrame);
    expect(stats.targetDelayMs).toBe(40);
    expect(stats.packetsLate).toBe(0);
    expect(stats.concealedSamples).toBe(0);
    expect(stats.concealmentEvents).toBe(0);
    expect(playedSequence(run.events)).toEqual(consecutive(FIRST_UNWRAPPED, count));
  });
});

describe('duplicates', () => {
  it('drops and counts a duplicate that arrives while its original waits, and one that arrives after the original played', () => {
    const count = 150;
    const original = planStream({ count, payload: pcm16Source(speech()), arrival: onTime });
    // Packet 10 is duplicated 1 ms after it arrives (the original is still
    // waiting: the buffer holds 40 ms); packet 20 is duplicated 500 ms later,
    // well after its playout 40 ms above the 20 ms network delay.
    const early = { ...original[10]!, arrivalFrame: original[10]!.arrivalFrame + framesOfMs(1) };
    const afterPlay = { ...original[20]!, arrivalFrame: original[20]!.arrivalFrame + framesOfMs(500) };
    const engine = createEngine();
    const run = driveStream(engine, [...original, early, afterPlay]);
    const stats = engine.stats();

    expect(run.results.slice(count)).toEqual(['duplicate', 'duplicate']);
    const playedAt = (index: number) => run.events.find((e) => e.kind === 'played' && e.a === FIRST_UNWRAPPED + index)!.frame;
    expect(playedAt(10)).toBeGreaterThan(early.arrivalFrame);
    expect(playedAt(20)).toBeLessThan(afterPlay.arrivalFrame);
    expect(stats.packetsDuplicated).toBe(2);
    expect(stats.packetsReceived).toBe(count + 2);
    expect(stats.packetsLate).toBe(0);
    expect(stats.packetsDiscarded).toBe(0);
    expect(countEvents(run.events, 'duplicate')).toBe(2);
    expect(playedSequence(run.events)).toEqual(consecutive(FIRST_UNWRAPPED, count));
  });
});

describe('late packets', () => {
  it('discards and counts a packet that arrives after its playout time passed', () => {
    const count = 150;
    // Packet 80 is held 300 ms: it would have played at 80 × 20 ms + 20 ms
    // network + 40 ms target = 1660 ms, and arrives at 1920 ms.
    const packets = planStream({
      count,
      payload: pcm16Source(speech()),
      arrival: (index, sendFrame) => sendFrame + NETWORK_DELAY + (index === 80 ? framesOfMs(300) : 0),
    });
    const engine = createEngine();
    const run = driveStream(engine, packets);
    const stats = engine.stats();

    expect(run.results[80]).toBe('late');
    expect(stats.packetsLate).toBe(1);
    expect(stats.packetsDiscarded).toBe(1);
    expect(stats.packetsPlayed).toBe(count - 1);
    expect(playedSequence(run.events)).not.toContain(FIRST_UNWRAPPED + 80);
    // Its 20 ms were concealed, once.
    expect(stats.concealedSamples).toBe(PACKET_FRAMES);
    expect(stats.concealmentEvents).toBe(1);
  });
});

// The packets of the messy stream's push: 3.2 s of audio, sent at once.
const MESSY_PUSH = { from: 400, to: 560 };

/**
 * A stream with everything going wrong: jitter up to 30 ms, 2 % loss, swapped
 * neighbours, duplicates (some after playout), packets held 400 ms (late), a
 * 1 s outage whose packets then arrive together (mostly too late), and a
 * sender that pushes 3.2 s of audio at once, faster than real time (160
 * packets: more than the 128 slots, so the oldest overflow).
 */
function messyStream(count: number, seed: number): StreamPacket[] {
  const random = seededRandom(seed);
  const outage = { from: 200, to: 250 };
  const push = MESSY_PUSH;
  const sent = planStream({
    count,
    payload: pcm16Source(speech()),
    arrival: (index, sendFrame) => {
      if (index >= outage.from && index < outage.to) return outage.to * PACKET_FRAMES + NETWORK_DELAY;
      if (index >= push.from && index < push.to) return push.from * PACKET_FRAMES + NETWORK_DELAY;
      const held = index % 97 === 50 ? framesOfMs(400) : index % 13 === 7 ? framesOfMs(21) : 0;
      return sendFrame + NETWORK_DELAY + Math.round(framesOfMs(30) * random()) + held;
    },
  });
  const packets = sent.filter(() => random() >= 0.02);
  for (let i = 5; i < count; i += 37) {
    const copy = sent[i]!;
    const delay = i % 2 === 0 ? framesOfMs(2) : framesOfMs(700);
    packets.push({ ...copy, arrivalFrame: copy.arrivalFrame + delay });
  }
  return packets;
}

describe('accounting', () => {
  it('after a messy stream, played + discarded + buffered = received − duplicates', () => {
    const packets = messyStream(600, 42);
    const engine = createEngine();
    // Stop 1 s after the push arrived, while most of it still waits, so the buffered term counts.
    const stopFrame = MESSY_PUSH.from * PACKET_FRAMES + framesOfMs(1000);
    const run = driveStream(engine, packets, { quanta: Math.ceil(stopFrame / QUANTUM_FRAMES) });
    // stats() also carries the packetsBuffered gauge, which EngineStats (the replay's record) leaves out.
    const s = engine.stats() as ReturnType<Engine['stats']> & { packetsBuffered: number };
    const answered = (kind: string) => run.results.filter((r) => r === kind).length;

    // The stream exercised every term.
    expect(s.packetsLate).toBeGreaterThan(0);
    expect(s.packetsOverflow).toBeGreaterThan(0);
    expect(s.packetsDuplicated).toBeGreaterThan(0);
    expect(s.packetsBuffered).toBeGreaterThan(0);

    expect(s.packetsPlayed + s.packetsDiscarded + s.packetsBuffered).toBe(s.packetsReceived - s.packetsDuplicated);
    expect(s.packetsDiscarded).toBe(s.packetsLate + s.packetsOverflow);
    expect(s.packetsReceived).toBe(run.results.filter((r) => r !== undefined).length);
    expect(s.packetsDuplicated).toBe(answered('duplicate'));
    // Each 'overflow' answer evicted exactly one older packet.
    expect(s.packetsOverflow).toBe(answered('overflow'));
    expect(playedSequence(run.events)).toHaveLength(s.packetsPlayed);
  });
});

describe('re-synchronisation', () => {
  // After 100 packets of stream A, 100 more that the engine must treat as a new stream.
  const cases = [
    {
      name: 'an SSRC change',
      reason: RESET_REASON_SSRC_CHANGE,
      change: (p: StreamPacket): StreamPacket => ({
        ...p, ssrc: 2222, sequenceNumber: (p.sequenceNumber + 40_000) % 0x10000, timestamp: (p.timestamp + 123_456_789) % 0x1_0000_0000,
      }),
    },
    {
      name: 'a timestamp leap of +10 minutes',
      reason: RESET_REASON_TIMESTAMP_LEAP,
      change: (p: StreamPacket): StreamPacket => ({ ...p, timestamp: (p.timestamp + 10 * 60 * 48_000) % 0x1_0000_0000 }),
    },
    {
      // 10 000 is beyond the 3000-packet sequence leap (assembly/engine.ts).
      name: 'a sequence jump of 10 000',
      reason: RESET_REASON_SEQUENCE_LEAP,
      change: (p: StreamPacket): StreamPacket => ({ ...p, sequenceNumber: (p.sequenceNumber + 10_000) % 0x10000 }),
    },
  ];

  it.each(cases)('restarts playout after $name: one stream reset, every later packet played', ({ reason, change }) => {
    const packets = planStream({ count: 200, ssrc: 1111, payload: pcm16Source(speech()), arrival: onTime }).map((p, i) =>
      i < 100 ? p : change(p),
    );
    const engine = createEngine();
    const run = driveStream(engine, packets);
    const s = engine.stats();

    expect(run.results[100]).toBe('resync');
    expect(s.streamResets).toBe(1);
    const resets = run.events.filter((e) => e.kind === 'reset');
    expect(resets.map((e) => e.a)).toEqual([reason]);
    // The new stream unwraps afresh from 65536 and all of it plays.
    const played = playedSequence(run.events);
    const afterReset = played.slice(played.lastIndexOf(FIRST_UNWRAPPED));
    expect(afterReset).toEqual(consecutive(FIRST_UNWRAPPED, 100));
    // What the reset found waiting was discarded and counted.
    expect(s.packetsPlayed + s.packetsDiscarded).toBe(s.packetsReceived);
    expect(s.concealedSamples).toBe(0);
  });

  it('logs a host reset() with its own reason and the packets it discarded', () => {
    const engine = createEngine();
    // Five packets at once, none played yet: reset() finds all five waiting.
    const packets = planStream({ count: 5, payload: pcm16Source(speech()), arrival: () => 0 });
    for (const p of packets) engine.insert(p.payload, p);
    engine.reset();
    const resets = engine.drainEvents().filter((e) => e.kind === 'reset');
    expect(resets.map((e) => [e.a, e.b])).toEqual([[RESET_REASON_HOST, 5]]);
    expect(engine.stats().packetsDiscarded).toBe(5);
  });
});

describe('overflow', () => {
  it('evicts the oldest packets when a burst exceeds the 128 slots, and counts them', () => {
    // 200 packets at once, before the first pull: 128 fit, 72 evict one each.
    const count = 200;
    const packets = planStream({ count, payload: pcm16Source(speech()), arrival: () => 0 });
    const engine = createEngine();
    // 3 s: enough to play the 128 kept packets (2.56 s of audio) even unstretched.
    const run = driveStream(engine, packets, { quanta: Math.ceil(framesOfMs(3000) / QUANTUM_FRAMES) });
    const s = engine.stats();

    expect(run.results.filter((r) => r === 'ok')).toHaveLength(128);
    expect(run.results.slice(128).every((r) => r === 'overflow')).toBe(true);
    expect(s.packetsOverflow).toBe(72);
    expect(s.packetsDiscarded).toBe(72);
    const evicted = run.events.filter((e) => e.kind === 'overflow').map((e) => e.a);
    expect(evicted).toEqual(consecutive(FIRST_UNWRAPPED, 72));
    expect(playedSequence(run.events)).toEqual(consecutive(FIRST_UNWRAPPED + 72, 128));
  });
});

describe('DTX and loss', () => {
  // 150 packets on time; 25 of them (500 ms) are not sent after packet 50.
  const PAUSE_PACKETS = 25;

  /** The stream with the pause; `renumber`: no sequence gap; `marker`: the packet after the pause has the marker bit (RFC 3551 §4.1: a talkspurt's first). */
  function withPause(renumber: boolean, marker = false): StreamPacket[] {
    return planStream({ count: 150, payload: pcm16Source(speech()), arrival: onTime })
      .filter((_, i) => i < 50 || i >= 50 + PAUSE_PACKETS)
      .map((p, i) => (renumber && i >= 50 ? { ...p, sequenceNumber: p.sequenceNumber - PAUSE_PACKETS, marker: marker && i === 50 } : p));
  }

  it('treats a timestamp advance without a sequence gap before a marker packet as a signalled pause: silence, not concealment', () => {
    const engine = createEngine();
    const run = driveStream(engine, withPause(true, true));
    const s = engine.stats();

    expect(s.concealedSamples).toBe(0);
    expect(s.silentConcealedSamples).toBe(0);
    expect(s.concealmentEvents).toBe(0);
    // The whole pause, 25 × 960 frames, was played as DTX silence, counted with the samples received.
    expect(s.dtxSamples).toBe(PAUSE_PACKETS * PACKET_FRAMES);
    expect(s.totalSamplesReceived).toBe(125 * PACKET_FRAMES + s.dtxSamples);
    expect(countEvents(run.events, 'dtx')).toBeGreaterThan(0);
    expect(s.packetsPlayed).toBe(125);
  });

  it('conceals a timestamp advance without a sequence gap that nothing signalled (issue #13: a sender-side drop, not DTX)', () => {
    const engine = createEngine();
    const run = driveStream(engine, withPause(true, false));
    const s = engine.stats();

    expect(s.dtxSamples).toBe(0);
    expect(countEvents(run.events, 'dtx')).toBe(0);
    // The missing 500 ms was concealed (and faded out), one event, as a loss is.
    expect(s.concealedSamples).toBeGreaterThanOrEqual(PAUSE_PACKETS * PACKET_FRAMES);
    expect(s.concealmentEvents).toBe(1);
    expect(s.silentConcealedSamples).toBeGreaterThan(0);
    expect(s.silentConcealedSamples).toBeLessThanOrEqual(s.concealedSamples);
    expect(s.totalSamplesReceived).toBeGreaterThanOrEqual(125 * PACKET_FRAMES + s.concealedSamples);
    expect(s.packetsPlayed).toBe(125);
  });

  it('treats a sequence gap with the same timestamps as loss: one concealment event, its faded tail silent', () => {
    const engine = createEngine();
    driveStream(engine, withPause(false));
    const s = engine.stats();

    // At least the missing 500 ms was concealed; the concealment fades to silence about 220 ms in
    // (assembly/dsp/expand.ts), so part of it is silent: a subset of the concealed samples (webrtc-stats).
    expect(s.concealedSamples).toBeGreaterThanOrEqual(PAUSE_PACKETS * PACKET_FRAMES);
    expect(s.concealmentEvents).toBe(1);
    expect(s.silentConcealedSamples).toBeGreaterThan(0);
    expect(s.silentConcealedSamples).toBeLessThanOrEqual(s.concealedSamples);
    expect(s.dtxSamples).toBe(0);
    expect(s.packetsPlayed).toBe(125);
  });
});

describe('a sender that pushes audio faster than real time', () => {
  // Text-to-speech servers push audio ahead of real time. The pushed packets
  // look up to 2 s "fast"; they must wait in the buffer, not redefine the
  // network (a regression test: the 10 s fastest-packet baseline once fell by
  // the length of the push and discarded 411 on-time packets as late).
  // The baseline is the second-lowest 500 ms bucket minimum, and cannot fall
  // more than 100 ms below a follower that falls 2 ms/s (assembly/arrival.ts).
  it('keeps playing the on-time packets that follow a 2 s push', () => {
    const random = seededRandom(5);
    const push = { from: 300, to: 400 };
    const packets = planStream({
      count: 1500,
      payload: pcm16Source(speech()),
      arrival: (index, sendFrame) => {
        const sentAt = index >= push.from && index < push.to ? push.from * PACKET_FRAMES : sendFrame;
        return sentAt + NETWORK_DELAY + Math.round(framesOfMs(15) * random());
      },
    });
    const engine = createEngine();
    driveStream(engine, packets);
    const s = engine.stats();

    // Every packet arrived, none later than 15 ms of jitter behind its send time:
    // a good buffer loses next to nothing. Allow 1 % late and 200 ms concealed.
    expect(s.packetsLate).toBeLessThanOrEqual(15);
    expect(s.concealedSamples).toBeLessThanOrEqual(framesOfMs(200));
  });
});
