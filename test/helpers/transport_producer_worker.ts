// The producer side of the ring concurrency test, run in a worker_threads
// Worker (bundled by transport_worker_bundle.ts, since Node 20 cannot load
// TypeScript in a Worker). It writes indexed packets (transport_packets.ts)
// as fast as it can until it has tried `maxPackets` or `maxMillis` has passed,
// then reports what it tried and raises the done flag.

import { parentPort, workerData } from 'node:worker_threads';
import { PacketRing } from '../../src/transport/packet_ring.js';
import { fillPayload, indexedPacketFields } from './transport_packets.js';

/** What the test hands the Worker. */
export interface ProducerJob {
  ring: SharedArrayBuffer;
  /** Int32 word 0: 0 while producing, 1 once the last write is published. */
  done: SharedArrayBuffer;
  maxPackets: number;
  maxMillis: number;
  maxPayloadBytes: number;
  /** Milliseconds to sleep after a refused write (0: retry at once with the next packet). */
  backoffMillis: number;
}

/** What the Worker reports back. */
export interface ProducerReport {
  attempted: number;
  accepted: number;
  refused: number;
  millis: number;
}

const job = workerData as ProducerJob;
const ring = new PacketRing(job.ring);
const done = new Int32Array(job.done);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const scratch = new Uint8Array(job.maxPayloadBytes);
const start = performance.now();
let attempted = 0;
let accepted = 0;
let refused = 0;
for (let index = 0; index < job.maxPackets; index++) {
  if ((index & 1023) === 0 && performance.now() - start > job.maxMillis) break;
  const f = indexedPacketFields(index, job.maxPayloadBytes);
  fillPayload(scratch, f.payloadBytes, f.sequenceNumber, f.timestamp);
  attempted++;
  // Both entry points: write() copies a whole array with set(), writeSpan() byte by byte.
  const ok =
    (index & 1) === 0
      ? ring.writeSpan(scratch, 0, f.payloadBytes, f.sequenceNumber, f.timestamp, f.ssrc, f.marker, f.arrivalFrame)
      : ring.write(scratch.subarray(0, f.payloadBytes), f.sequenceNumber, f.timestamp, f.ssrc, f.marker, f.arrivalFrame);
  if (ok) accepted++;
  else {
    refused++;
    if (job.backoffMillis > 0) Atomics.wait(sleeper, 0, 0, job.backoffMillis);
  }
}
const report: ProducerReport = { attempted, accepted, refused, millis: performance.now() - start };
// The flag goes up after the last write was published, so a consumer that
// sees it and then finds the ring empty has everything.
Atomics.store(done, 0, 1);
parentPort!.postMessage(report);
