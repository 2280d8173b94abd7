import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { JitterlaneError } from '../../src/engine/index.js';
import {
  HEADER_FIELDS,
  PacketBatcher,
  PacketRing,
  READ_EMPTY,
  RING_CONTROL_BYTES,
  appendBatchToRing,
  encodeBatch,
  recordBytes,
  type TransportPacket,
} from '../../src/transport/index.js';
import { indexedPacketFields, payloadOf, recordMismatch, type PacketFields } from '../helpers/transport_packets.js';

function packetOf(f: PacketFields): TransportPacket {
  return { payload: payloadOf(f), sequenceNumber: f.sequenceNumber, timestamp: f.timestamp, ssrc: f.ssrc, marker: f.marker, arrivalFrame: f.arrivalFrame };
}

/** Packets 0..count−1 of the indexed sequence, payloads up to 300 bytes. */
function indexedFields(count: number, first = 0): PacketFields[] {
  return Array.from({ length: count }, (_, i) => indexedPacketFields(first + i, 300));
}

/** Writes packets one by one; returns how many the ring accepted and the data-area bytes they took. */
function writeDirect(ring: PacketRing, packets: TransportPacket[]): { written: number; bytes: number } {
  let written = 0;
  let bytes = 0;
  for (const p of packets) {
    if (ring.write(p.payload, p.sequenceNumber, p.timestamp, p.ssrc ?? -1, p.marker ?? false, p.arrivalFrame ?? Number.NaN)) {
      written++;
      bytes += recordBytes(p.payload.length);
    }
  }
  return { written, bytes };
}

/** Reads everything waiting and checks it against `expected`, in order. */
function expectRingHolds(ring: PacketRing, expected: PacketFields[]): void {
  const out = new Uint8Array(2048);
  const header = new Float64Array(HEADER_FIELDS);
  for (const f of expected) {
    const problem = recordMismatch(f, header, out, ring.read(out, header));
    if (problem) expect.fail(problem);
  }
  expect(ring.read(out, header)).toBe(READ_EMPTY);
}

describe('encodeBatch and appendBatchToRing', () => {
  it('carry the very bytes the ring stores: a batch equals a fresh ring data area, and appending equals writing directly', () => {
    const fields = indexedFields(40);
    const packets = fields.map(packetOf);
    const batch = encodeBatch(packets);
    expect(batch.byteLength).toBe(fields.reduce((sum, f) => sum + recordBytes(f.payloadBytes), 0));

    const direct = PacketRing.create(64 * 1024, false);
    const viaBatch = PacketRing.create(64 * 1024, false);
    expect(writeDirect(direct, packets).written).toBe(40);
    expect(appendBatchToRing(batch, viaBatch)).toEqual({ written: 40, dropped: 0, malformed: false });
    expect(new Uint8Array(viaBatch.buffer)).toEqual(new Uint8Array(direct.buffer));
    // A fresh ring numbers its records 0, 1, 2… like a batch, so even the serials agree.
    expect(new Uint8Array(direct.buffer, RING_CONTROL_BYTES, batch.byteLength)).toEqual(new Uint8Array(batch));
    expectRingHolds(viaBatch, fields);
  });

  it('drops what does not fit exactly as direct writes do, across many wraps', () => {
    // A 2 KiB ring takes about six of these records; the batches bring 25 at a time.
    const direct = PacketRing.create(2048, false);
    const viaBatch = PacketRing.create(2048, false);
    const out = new Uint8Array(2048);
    const header = new Float64Array(HEADER_FIELDS);
    let dropped = 0;
    let acceptedBytes = 0;
    for (let round = 0; round < 200; round++) {
      const packets = indexedFields(25, round * 25).map(packetOf);
      const { written: directWritten, bytes } = writeDirect(direct, packets);
      acceptedBytes += bytes;
      const result = appendBatchToRing(encodeBatch(packets), viaBatch);
      expect(result).toEqual({ written: directWritten, dropped: 25 - directWritten, malformed: false });
      dropped += result.dropped;
      expect(Buffer.from(viaBatch.buffer).equals(Buffer.from(direct.buffer)), `round ${round}`).toBe(true);
      for (let k = 0; k < 4; k++) {
        direct.read(out, header);
        viaBatch.read(out, header);
      }
    }
    expect(acceptedBytes).toBeGreaterThan(20 * 2048);
    expect(dropped).toBeGreaterThan(0);
    expect(viaBatch.overflowCount).toBe(dropped);
    expect(direct.overflowCount).toBe(dropped);
  });

  it('appends nothing from an empty batch', () => {
    const ring = PacketRing.create(1024, false);
    expect(encodeBatch([]).byteLength).toBe(0);
    expect(appendBatchToRing(encodeBatch([]), ring)).toEqual({ written: 0, dropped: 0, malformed: false });
  });

  it('reports bytes that are not a batch as malformed, keeps the records before them, and never throws', () => {
    const fields = indexedFields(3);
    const batch = encodeBatch(fields.map(packetOf));
    const firstTwoBytes = recordBytes(fields[0].payloadBytes) + recordBytes(fields[1].payloadBytes);

    const truncated = PacketRing.create(4096, false);
    expect(appendBatchToRing(batch.slice(0, firstTwoBytes + 16), truncated)).toEqual({ written: 2, dropped: 0, malformed: true });
    expectRingHolds(truncated, fields.slice(0, 2));

    const negativeLength = batch.slice(0);
    new Int32Array(negativeLength)[firstTwoBytes >> 2] = -5;
    const ring = PacketRing.create(4096, false);
    expect(appendBatchToRing(negativeLength, ring)).toEqual({ written: 2, dropped: 0, malformed: true });

    const infiniteArrival = encodeBatch([{ payload: new Uint8Array(1), sequenceNumber: 1, timestamp: 1, arrivalFrame: 5 }]);
    new Float64Array(infiniteArrival)[3] = Infinity; // the arrival float64 sits at byte 24 of a record
    expect(appendBatchToRing(infiniteArrival, ring)).toEqual({ written: 0, dropped: 0, malformed: true });

    expect(appendBatchToRing(new ArrayBuffer(12), ring).malformed).toBe(true);
    expect(appendBatchToRing(new Uint8Array(64) as unknown as ArrayBuffer, ring).malformed).toBe(true);
    expect(appendBatchToRing(null as unknown as ArrayBuffer, ring).malformed).toBe(true);
  });

  it('encodeBatch throws for a packet with a field out of range, naming the packet', () => {
    const good: TransportPacket = { payload: new Uint8Array(2), sequenceNumber: 1, timestamp: 1 };
    expect(() => encodeBatch([good, { ...good, sequenceNumber: 70000 }])).toThrow(/packet 1.*sequenceNumber/);
    expect(() => encodeBatch([good, { ...good, payload: 'abc' as unknown as Uint8Array }])).toThrow(JitterlaneError);
    expect(() => encodeBatch([null as unknown as TransportPacket])).toThrow(TypeError);
  });
});

describe('PacketBatcher', () => {
  it('coalesces the pushes made before its scheduled task runs into one post that transfers the batch', () => {
    const tasks: (() => void)[] = [];
    const posts: { batch: ArrayBuffer; transfer: ArrayBuffer[] }[] = [];
    const batcher = new PacketBatcher((batch, transfer) => posts.push({ batch, transfer }), (task) => tasks.push(task));
    const fields = indexedFields(5);
    for (const f of fields) batcher.push(payloadOf(f), f.sequenceNumber, f.timestamp, f.ssrc, f.marker, f.arrivalFrame);
    expect(tasks.length).toBe(1);
    expect(posts.length).toBe(0);
    expect(batcher.pendingCount).toBe(5);

    tasks[0]();
    expect(posts.length).toBe(1);
    expect(posts[0].transfer).toEqual([posts[0].batch]);
    expect(posts[0].transfer[0]).toBe(posts[0].batch);
    expect(batcher.pendingCount).toBe(0);
    const ring = PacketRing.create(8192, false);
    expect(appendBatchToRing(posts[0].batch, ring)).toEqual({ written: 5, dropped: 0, malformed: false });
    expectRingHolds(ring, fields);

    // The next push starts the next batch.
    batcher.push(new Uint8Array(1), 9, 9);
    expect(tasks.length).toBe(2);
  });

  it('copies each payload, so the caller may reuse its array at once', () => {
    const posts: ArrayBuffer[] = [];
    const batcher = new PacketBatcher((batch) => posts.push(batch), () => {});
    const reused = new Uint8Array([1, 2, 3]);
    batcher.push(reused, 1, 1);
    reused.fill(0);
    batcher.flush();
    const ring = PacketRing.create(1024, false);
    appendBatchToRing(posts[0], ring);
    const out = new Uint8Array(8);
    expect(ring.read(out, new Float64Array(HEADER_FIELDS))).toBe(3);
    expect([...out.subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('throws at push for a bad field and schedules nothing', () => {
    const tasks: (() => void)[] = [];
    const batcher = new PacketBatcher(() => {}, (task) => tasks.push(task));
    expect(() => batcher.push(new Uint8Array(1), 1, -1)).toThrow(JitterlaneError);
    expect(() => batcher.push('x' as unknown as Uint8Array, 1, 1)).toThrow(JitterlaneError);
    expect(tasks.length).toBe(0);
    expect(batcher.pendingCount).toBe(0);
  });

  it('with the default queueMicrotask, turns 50 pushes in one task into one postMessage whose buffer is transferred', async () => {
    const { port1, port2 } = new MessageChannel();
    const received: ArrayBuffer[] = [];
    port2.on('message', (batch: ArrayBuffer) => received.push(batch));
    const sent: ArrayBuffer[] = [];
    const batcher = new PacketBatcher((batch, transfer) => {
      sent.push(batch);
      port1.postMessage(batch, transfer);
    });
    const fields = indexedFields(50);
    for (const f of fields) batcher.push(payloadOf(f), f.sequenceNumber, f.timestamp, f.ssrc, f.marker, f.arrivalFrame);
    expect(sent.length).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    port1.close();
    port2.close();
    expect(sent.length).toBe(1);
    // Transferred, not copied: the sender's buffer is detached.
    expect(sent[0].byteLength).toBe(0);
    expect(received.length).toBe(1);
    const ring = PacketRing.create(64 * 1024, false);
    expect(appendBatchToRing(received[0], ring)).toEqual({ written: 50, dropped: 0, malformed: false });
    expectRingHolds(ring, fields);
  });
});
