// A packet recovered from RFC 2198 redundancy reaches the engine with its
// successor, one packet late, marked redundantCopy: it plays where its time
// has not passed, but its arrival is not an observation of the network (the
// packet was lost, not late), so losses do not raise the target.

import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { PACKET_FRAMES, driveStream, framesOfMs, planStream, toneSource, type StreamPacket } from '../helpers/engine_stream.js';

const engineModule = loadEngineModule('release');
const engines: Engine[] = [];

afterEach(() => {
  for (const engine of engines.splice(0)) engine.destroy();
});

/** 60 s of 20 ms packets, 20 ms of network delay; every 25th packet lost and its copy arriving with the next. */
function lossyRedStream(marked: boolean): StreamPacket[] {
  const network = framesOfMs(20);
  const packets = planStream({ count: 3000, payload: toneSource(440, 0.3), arrival: (_i, send) => send + network });
  return packets.map((p, i) => (i > 50 && i % 25 === 0 ? { ...p, arrivalFrame: p.arrivalFrame + PACKET_FRAMES, redundantCopy: marked } : p));
}

function run(profile: 'l4s' | 'classic', marked: boolean) {
  const engine = engineModule.createEngine({ codec: 'PCM16LE', profile, eventLog: true });
  engines.push(engine);
  const result = driveStream(engine, lossyRedStream(marked));
  const stats = engine.stats();
  const lastTarget = result.targetDelayMs.slice(-4000);
  return { stats, meanTargetMs: lastTarget.reduce((s, v) => s + v, 0) / lastTarget.length };
}

describe('insert({ redundantCopy })', () => {
  it('keeps the target at the floor on l4s where the copies, taken for late packets, raise it', () => {
    const marked = run('l4s', true);
    const unmarked = run('l4s', false);
    console.log(`l4s target: copies marked ${marked.meanTargetMs.toFixed(1)} ms, unmarked ${unmarked.meanTargetMs.toFixed(1)} ms`);
    expect(marked.meanTargetMs).toBeLessThan(11);
    expect(unmarked.meanTargetMs).toBeGreaterThan(marked.meanTargetMs + 5);
  });

  it('plays every copy on classic, whose 40 ms wait for them in time: nothing concealed', () => {
    const { stats } = run('classic', true);
    expect(stats.packetsLate).toBe(0);
    expect(stats.packetsPlayed).toBe(3000);
    expect(stats.concealedSamples).toBe(0);
  });

  it('still plays or counts each copy on l4s (a copy whose time has passed is late)', () => {
    const { stats } = run('l4s', true);
    expect(stats.packetsPlayed + stats.packetsLate).toBe(3000);
  });
});
