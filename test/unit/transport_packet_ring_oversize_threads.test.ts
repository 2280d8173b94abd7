// The ring's third way of not delivering a packet, across real threads: a
// producer Worker floods the shared ring with payloads of 0..1500 bytes while
// the main thread reads into a 1000-byte array (as the worklet reads into the
// engine's input, whose size is the engine's slot). Each record the producer
// tried must end in exactly one of: read intact, skipped as oversize (counted
// by the consumer, its header still delivered), or refused as overflow
// (counted by the producer). transport_packet_ring_concurrency.test.ts covers
// the same flood with an output array large enough for every record.

import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FIELDS, HEADER_PAYLOAD_BYTES, HEADER_SERIAL, HEADER_TIMESTAMP, PacketRing, READ_EMPTY, READ_SKIPPED_OVERSIZE } from '../../src/transport/index.js';
import type { ProducerJob, ProducerReport } from '../helpers/transport_producer_worker.js';
import { indexedPacketFields, recordMismatch } from '../helpers/transport_packets.js';
import { bundleWorkerSource } from '../helpers/transport_worker_bundle.js';

const MAX_PAYLOAD_BYTES = 1500;
/** The consumer's output array: about a third of the payloads (1001..1500 bytes) do not fit. */
const OUTPUT_BYTES = 1000;

let producerSource = '';
beforeAll(async () => {
  producerSource = await bundleWorkerSource(fileURLToPath(new URL('../helpers/transport_producer_worker.ts', import.meta.url)));
});

describe('PacketRing between threads with a consumer array smaller than some payloads', () => {
  it('accounts for every record: read intact + skipped as oversize + refused as overflow = tried', async ({ annotate }) => {
    const ring = PacketRing.create(32 * 1024, true);
    const done = new SharedArrayBuffer(4);
    const job: ProducerJob = { ring: ring.buffer as SharedArrayBuffer, done, maxPackets: 100_000, maxMillis: 2000, maxPayloadBytes: MAX_PAYLOAD_BYTES, backoffMillis: 0 };
    const worker = new Worker(producerSource, { eval: true, workerData: job });
    const flag = new Int32Array(done);
    const out = new Uint8Array(OUTPUT_BYTES);
    const header = new Float64Array(HEADER_FIELDS);
    let intact = 0;
    let oversize = 0;
    let consumed = 0;
    let problem: string | null = null;
    try {
      const reported = once(worker, 'message');
      for (;;) {
        const producerDone = Atomics.load(flag, 0) === 1;
        let length = 0;
        for (let burst = 0; burst < 16 && problem === null; burst++) {
          length = ring.read(out, header);
          if (length === READ_EMPTY) break;
          if (header[HEADER_SERIAL] !== consumed) problem = `record ${consumed} has serial ${header[HEADER_SERIAL]}`;
          const expected = indexedPacketFields(header[HEADER_TIMESTAMP], MAX_PAYLOAD_BYTES);
          if (length === READ_SKIPPED_OVERSIZE) {
            // Skipped whole, but its header is still the right packet's, and it really was too large.
            if (header[HEADER_PAYLOAD_BYTES] !== expected.payloadBytes || expected.payloadBytes <= OUTPUT_BYTES) problem = `oversize skip of a ${expected.payloadBytes}-byte packet`;
            oversize++;
          } else {
            problem = problem ?? recordMismatch(expected, header, out, length);
            intact++;
          }
          consumed++;
        }
        if (problem !== null || (length === READ_EMPTY && producerDone)) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const [report] = (await reported) as [ProducerReport];
      expect(problem).toBeNull();
      expect(intact + oversize + report.refused).toBe(report.attempted);
      expect(ring.oversizeCount).toBe(oversize);
      expect(ring.overflowCount).toBe(report.refused);
      expect(ring.recordsRead).toBe(report.accepted);
      // All three outcomes happened many times (measured on this 2-core machine: tens of thousands
      // tried, about a third of the accepted records skipped as oversize, thousands refused).
      expect(intact).toBeGreaterThan(100);
      expect(oversize).toBeGreaterThan(50);
      expect(report.refused).toBeGreaterThan(100);
      await annotate(`tried ${report.attempted}: read intact ${intact}, skipped as oversize ${oversize}, refused as overflow ${report.refused}`);
      console.log(`[ring] tried ${report.attempted}: read intact ${intact}, skipped as oversize ${oversize}, refused as overflow ${report.refused}`);
    } finally {
      await worker.terminate();
    }
  });
});
