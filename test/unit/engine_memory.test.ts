// Memory: the acceptance test of "nothing allocates on the audio thread". The
// debug build (ASC_RTRACE) calls an `rtrace` import on every allocation and
// free; test/helpers/rtrace.ts counts those calls, and this replays a
// minute of a difficult stream between create and destroy. It also checks
// that the WebAssembly memory never grows during playout, in both builds, and
// that creating and destroying engines over and over leaves memory bounded.

import { describe, expect, it } from 'vitest';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { tracedDebugModule } from '../helpers/rtrace.js';
import {
  QUANTUM_FRAMES, driveStream, framesOfMs, pcm16Source, planStream, seededRandom, speech, type StreamPacket,
} from '../helpers/engine_stream.js';

/**
 * One minute of a hard stream: 0–30 ms jitter with occasional 60 ms spikes,
 * 3 % loss (one in ten losses a burst of five packets), a swapped pair every
 * 17 packets, a duplicate every 53, and a 1 s DTX pause at 45 s: 3000 packets of 20 ms.
 */
function difficultMinute(): StreamPacket[] {
  const random = seededRandom(2024);
  const count = 3000;
  const pause = { from: 2250, packets: 50 };
  const sent = planStream({
    count,
    payload: pcm16Source(speech()),
    arrival: (index, sendFrame) => {
      const spike = random() < 0.01 ? framesOfMs(60) : 0;
      const swap = index % 17 === 3 ? framesOfMs(22) : 0;
      return sendFrame + framesOfMs(20) + Math.round(framesOfMs(30) * random()) + spike + swap;
    },
  });
  const packets: StreamPacket[] = [];
  let burstLeft = 0;
  for (let i = 0; i < count; i++) {
    if (i >= pause.from && i < pause.from + pause.packets) continue;
    // DTX: after the pause the sequence numbers carry on where they stopped.
    const p = i >= pause.from ? { ...sent[i]!, sequenceNumber: (sent[i]!.sequenceNumber - pause.packets + 0x10000) % 0x10000 } : sent[i]!;
    if (burstLeft > 0) {
      burstLeft--;
      continue;
    }
    if (random() < 0.03) {
      if (random() < 0.1) burstLeft = 4;
      continue;
    }
    packets.push(p);
    if (i % 53 === 0) packets.push({ ...p, arrivalFrame: p.arrivalFrame + framesOfMs(5) });
  }
  return packets;
}

// The profile switches of the minute: classic → l4s at 20 s, back at 40 s.
const SWITCHES = new Map([
  [Math.floor(framesOfMs(20_000) / QUANTUM_FRAMES), 'l4s' as const],
  [Math.floor(framesOfMs(40_000) / QUANTUM_FRAMES), 'classic' as const],
]);

describe('the rtrace imports of the debug build', () => {
  it('are ones this tracer knows, including onalloc and onfree', () => {
    const { imports } = tracedDebugModule();
    expect(imports).toContain('onalloc');
    expect(imports).toContain('onfree');
  });
});

describe('a minute of playout', () => {
  it.each([false, true])('allocates and frees nothing between create and destroy (debug build, event log %s)', (eventLog) => {
    const { engineModule, counts } = tracedDebugModule();
    const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: 'classic', eventLog });
    const afterCreate = { ...counts };
    expect(afterCreate.allocations).toBeGreaterThan(0); // the tracer is wired in: create did allocate
    const memory = engineModule.exports.memory;
    const bytesAfterCreate = memory.buffer.byteLength;
    const sizes = new Set<number>();

    const run = driveStream(engine, difficultMinute(), {
      beforeQuantum: (q) => {
        sizes.add(memory.buffer.byteLength);
        const profile = SWITCHES.get(q);
        if (profile) engine.setProfile(profile);
      },
    });
    sizes.add(memory.buffer.byteLength);
    const s = engine.stats();

    // The minute really was difficult: everything the engine can do happened.
    expect(s.profileSwitches).toBe(2);
    expect(s.concealmentEvents).toBeGreaterThan(0);
    expect(s.packetsDuplicated).toBeGreaterThan(0);
    expect(s.removedSamplesForAcceleration).toBeGreaterThan(0);
    expect(s.insertedSamplesForDeceleration).toBeGreaterThan(0);
    expect(s.silentConcealedSamples).toBeGreaterThan(0);
    expect(run.output[0]!.length).toBeGreaterThanOrEqual(framesOfMs(60_000));

    expect(counts).toEqual(afterCreate);
    expect([...sizes]).toEqual([bytesAfterCreate]);
    engine.destroy();
  });

  it('never grows the memory of the release build', () => {
    const engineModule = loadEngineModule('release');
    const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: 'classic' });
    const memory = engineModule.exports.memory;
    const sizes = new Set<number>([memory.buffer.byteLength]);
    driveStream(engine, difficultMinute(), {
      beforeQuantum: (q) => {
        sizes.add(memory.buffer.byteLength);
        const profile = SWITCHES.get(q);
        if (profile) engine.setProfile(profile);
      },
    });
    sizes.add(memory.buffer.byteLength);
    expect(sizes.size).toBe(1);
    engine.destroy();
  });
});

describe('create and destroy', () => {
  const CYCLES = 10_000;

  it('10,000 cycles leave the release build at the memory size of the first few', () => {
    const engineModule = loadEngineModule('release');
    const memory = engineModule.exports.memory;
    let afterFirstFew = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      engineModule.createEngine({ codec: 'PCM16LE' }).destroy();
      if (cycle === 5) afterFirstFew = memory.buffer.byteLength;
    }
    // Measured: 786,432 bytes (12 pages) after the 5th cycle and after the 10,000th.
    expect(memory.buffer.byteLength).toBe(afterFirstFew);
  });

  it('10,000 cycles of the debug build free every block they allocate', () => {
    const { engineModule, counts } = tracedDebugModule();
    const memory = engineModule.exports.memory;
    // The module's own globals (engine table, profile record, G.711 tables) stay allocated.
    const atStart = { ...counts };
    let afterFirstFew = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      engineModule.createEngine({ codec: 'PCM16LE', eventLog: cycle % 2 === 0 }).destroy();
      if (cycle === 5) afterFirstFew = memory.buffer.byteLength;
    }
    const allocated = counts.allocations - atStart.allocations;
    expect(allocated).toBeGreaterThan(CYCLES);
    expect(counts.frees - atStart.frees).toBe(allocated);
    expect(counts.reallocations).toBe(0);
    expect(memory.buffer.byteLength).toBe(afterFirstFew);
  });
});
