// The packet transport between the thread that receives packets and the
// AudioWorklet: a shared ring, or port batches moved into a same-thread ring.
// Values first, then types.

export { PacketRing, READ_EMPTY, READ_SKIPPED_OVERSIZE, RING_CONTROL_BYTES, RING_MIN_CAPACITY_BYTES, RING_MAX_CAPACITY_BYTES } from './packet_ring.js';
export { HEADER_SEQUENCE, HEADER_TIMESTAMP, HEADER_SSRC, HEADER_MARKER, HEADER_COMFORT_NOISE, HEADER_REDUNDANT_COPY, HEADER_ARRIVAL, HEADER_SERIAL, HEADER_PAYLOAD_BYTES, HEADER_FIELDS } from './packet_header.js';
export { encodeBatch, appendBatchToRing } from './packet_batch.js';
export { PacketBatcher } from './packet_batcher.js';
export { RECORD_HEADER_BYTES, RECORD_ALIGN_BYTES, recordBytes } from './record_layout.js';

export type { TransportPacket, BatchAppendResult } from './packet_batch.js';
export type { BatchPoster, FlushScheduler } from './packet_batcher.js';
