// No garbage on the audio thread from the chunk player (issue #15): the chunk
// worklet bundle Chromium runs, driven for 30 s of realtime quanta of bursty
// AI-voice responses (bursts, generation pace, stalls, marks, interrupts) in a
// child `node --expose-gc` (test/unit/chunk_allocation_probe.mjs), the young
// generation measured around the process() calls only, as
// test/unit/worklet_allocation.test.ts does for the packet path.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('the chunk worklet processor', () => {
  it.each(['pcm16', 'opus'])('allocates nothing in process() over 30 s of bursty %s responses with stalls, marks and interrupts', (encoding) => {
    const probe = fileURLToPath(new URL('./chunk_allocation_probe.mjs', import.meta.url));
    const report = JSON.parse(execFileSync(process.execPath, ['--expose-gc', probe, encoding], { encoding: 'utf8' }));
    console.log(`[chunk allocation ${encoding}] ${JSON.stringify(report)}`);
    // What ran: 30 s of a 9 s cycle (a response, then silence), marks firing, stalls waited for, one interrupt.
    expect(report.responses).toBeGreaterThanOrEqual(3);
    expect(report.marks).toBeGreaterThan(40);
    expect(report.underruns).toBeGreaterThan(3);
    expect(report.interrupted).toBe(1);
    expect(report.renderErrors).toBe(0);
    expect(report.peak).toBeGreaterThan(0.1);
    expect(report.droppedEvents).toBe(0);
    // The engine's WASM memory is reserved at create.
    expect(report.wasmMemoryGrowthBytes).toBe(0);
    expect(report.opusMemoryGrowthBytes).toBe(0);
    expect(report.decoderErrors).toBe(0);
    // No collection caused by rendering, and no step beyond the readings' own spread (≤ 200 bytes
    // measured; one interrupt's fade, while it ran cold in V8's interpreter, was 12 KB). In all ≈ 33 KB
    // over 1407 readings: the readings' asymmetry, as in the packet path's probe (≈ 25 KB there, its bound 45 KB).
    expect(report.collectionsDuringRender).toBe(0);
    expect(report.largestStepOverReadingBytes).toBeLessThan(1000);
    expect(report.renderAllocatedBytes).toBeLessThan(45_000);
  });
});
