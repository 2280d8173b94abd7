// Named result codes of the exported API. Nothing throws past the WASM edge:
// every verb answers with one of these (negative = refused, counted where it is a packet).

/** The call did what it was asked. */
export const OK: i32 = 0;
/** The packet was already received (duplicate); counted in packetsDuplicated. */
export const DUPLICATE: i32 = 1;
/** The packet's playout time had passed; counted in packetsDiscarded. */
export const LATE: i32 = 2;
/** The packet started a new stream (SSRC change or timestamp leap); the buffer re-synchronised. */
export const RESYNC: i32 = 3;
/** The buffer was full: the oldest packet was evicted and counted. */
export const OVERFLOW: i32 = 4;

/** No engine behind this handle (never created, or destroyed). */
export const ERR_HANDLE: i32 = -1;
/** An argument is out of its documented range. */
export const ERR_ARGUMENT: i32 = -2;
/** The payload is empty or larger than a packet slot; counted in packetsInvalid. */
export const ERR_PAYLOAD: i32 = -3;
/** The engine table is full. */
export const ERR_CAPACITY: i32 = -4;
/** Unknown codec id or a sample rate the codec cannot run at. */
export const ERR_CODEC: i32 = -5;
