// read() and write() must not allocate: the worklet calls read() in
// process(), where a garbage collection pause is an audible glitch.
//
// How this is measured without --expose-gc: after a warm-up (so the JIT has
// compiled the loop, and the compiled code, itself on the heap, is already
// there), run 100 000 write+read pairs in one synchronous loop and compare
// heapUsed before and after, while a PerformanceObserver records any
// garbage collection that started during the loop. Nothing else runs on this
// isolate during a synchronous loop, and V8 only collects when an allocation
// needs room, so a loop that allocates nothing shows (almost) no growth and no
// collection. A loop that allocates even one small object per iteration
// (16 bytes at the least) would add ≥ 1.6 MB, or trigger a scavenge that the
// observer sees. The bound, 256 KiB (< 3 bytes per iteration), leaves room for
// noise such as inline-cache feedback and lazily compiled code, and is six
// times below the smallest real leak. A control loop that makes one view per
// iteration, the mistake read() avoids by copying byte by byte, must trip the
// same check, so the check is known to have teeth.
//
// Values hold for optimized code: V8's interpreter boxes doubles (a timestamp
// above 2^30, an arrival frame) as heap numbers until the JIT takes over,
// which the warm-up covers.

import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { HEADER_FIELDS, PacketRing } from '../../src/transport/index.js';

const ITERATIONS = 100_000;
const WARM_UP_ITERATIONS = 20_000;
/** See the file comment: six times below what one 16-byte object per iteration would add. */
const HEAP_GROWTH_BOUND_BYTES = 256 * 1024;

interface AllocationMeasure {
  heapGrowthBytes: number;
  collectionsDuringLoop: number;
}

async function measureAllocation(body: (i: number) => void): Promise<AllocationMeasure> {
  for (let i = 0; i < WARM_UP_ITERATIONS; i++) body(i);
  const collections: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const startMs = performance.now();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ITERATIONS; i++) body(i);
  const after = process.memoryUsage().heapUsed;
  const endMs = performance.now();
  // GC entries are delivered asynchronously: give them a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return {
    heapGrowthBytes: after - before,
    collectionsDuringLoop: collections.filter((entry) => entry.startTime >= startMs && entry.startTime <= endMs).length,
  };
}

/**
 * A write+read pair. The sequence number varies; the timestamp, ssrc and
 * arrival are constants beyond the small-integer range, so their boxes are
 * made once with the code. (A caller that computes a fresh non-small number
 * per call, e.g. `i * 480.5`, boxes it when passing it to a function V8 did
 * not inline: that allocation is the caller's, not the ring's.)
 */
function writeReadPair(ring: PacketRing): (i: number) => void {
  const payload = new Uint8Array(160).fill(7);
  const out = new Uint8Array(1500);
  const header = new Float64Array(HEADER_FIELDS);
  return (i) => {
    ring.write(payload, i & 0xffff, 0xffffffff, 0xfffffff0, (i & 1) === 1, 123456789.5);
    ring.read(out, header);
  };
}

describe('PacketRing allocation', () => {
  it.for([
    ['a SharedArrayBuffer', true],
    ['an ArrayBuffer', false],
  ] as const)('write() and read() over %s allocate nothing in 100 000 pairs', async ([, shared], { annotate }) => {
    const measure = await measureAllocation(writeReadPair(PacketRing.create(64 * 1024, shared)));
    await annotate(`heap growth ${measure.heapGrowthBytes} bytes, ${measure.collectionsDuringLoop} collections during the loop`);
    expect(measure.collectionsDuringLoop).toBe(0);
    expect(measure.heapGrowthBytes).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
  });

  it('catches a loop that makes one typed-array view per iteration (the check has teeth)', async ({ annotate }) => {
    const bytes = new Uint8Array(1500);
    const out = new Uint8Array(1500);
    const measure = await measureAllocation((i) => out.set(bytes.subarray(0, 160 + (i & 7))));
    await annotate(`heap growth ${measure.heapGrowthBytes} bytes, ${measure.collectionsDuringLoop} collections during the loop`);
    expect(measure.collectionsDuringLoop > 0 || measure.heapGrowthBytes >= HEAP_GROWTH_BOUND_BYTES).toBe(true);
  });
});
