// Where PacketRing.read() puts a record's fields in the caller's Float64Array.
// A Float64Array rather than an object so that the audio thread reads packets
// without allocating; float64 holds every field exactly (u32 and the frame).

/** Sequence number, 0..65535. */
export const HEADER_SEQUENCE = 0;
/** RTP timestamp, 0..2^32−1. */
export const HEADER_TIMESTAMP = 1;
/** SSRC, 0..2^32−1, or −1 when the packet carried none. */
export const HEADER_SSRC = 2;
/** Marker bit: 1 or 0. */
export const HEADER_MARKER = 3;
/** Arrival as a float64 audio frame, or NaN when the sender gave none. */
export const HEADER_ARRIVAL = 4;
/** Record serial: 0 for the first record a ring accepted, +1 per accepted record (mod 2^32). */
export const HEADER_SERIAL = 5;
/** Payload length in bytes; also set when read() skips a record as too large (−2). */
export const HEADER_PAYLOAD_BYTES = 6;
/** 1 when the payload is RFC 3389 comfort noise, not the codec's audio (INSERT_FLAG_COMFORT_NOISE), else 0. */
export const HEADER_COMFORT_NOISE = 7;
/** 1 when the payload is a copy of the packet's frame that a later packet carried (INSERT_FLAG_REDUNDANT_COPY), else 0. */
export const HEADER_REDUNDANT_COPY = 8;
/** Length a header array needs: `new Float64Array(HEADER_FIELDS)`. */
export const HEADER_FIELDS = 9;
