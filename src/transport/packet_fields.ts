// Argument checks for the transport's edge (PacketRing.write, encodeBatch,
// PacketBatcher.push). Wrong types throw TypeError, wrong values RangeError,
// each naming the argument and what was given, so that a bug in an app's
// packet plumbing shows where it is instead of turning into odd audio later.
// The checks are number compares only: no allocation unless they throw.

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** Throws TypeError unless `payload` is a Uint8Array (a Node Buffer is one). */
export function checkPayload(where: string, payload: unknown): void {
  if (!(payload instanceof Uint8Array)) throw new TypeError(`${where}: payload must be a Uint8Array, got ${describe(payload)}`);
}

/**
 * Throws unless the RTP fields are in range: sequenceNumber an integer
 * 0..65535, timestamp an integer 0..2^32−1, ssrc −1 (absent) or an integer
 * 0..2^32−1, marker a boolean, arrivalFrame NaN (absent) or finite.
 */
export function checkPacketFields(where: string, sequenceNumber: unknown, timestamp: unknown, ssrc: unknown, marker: unknown, arrivalFrame: unknown): void {
  checkInteger(where, 'sequenceNumber', sequenceNumber, 0, U16_MAX);
  checkInteger(where, 'timestamp', timestamp, 0, U32_MAX);
  if (ssrc !== -1) checkInteger(where, 'ssrc (−1 when absent)', ssrc, 0, U32_MAX);
  if (typeof marker !== 'boolean') throw new TypeError(`${where}: marker must be a boolean, got ${describe(marker)}`);
  if (typeof arrivalFrame !== 'number') throw new TypeError(`${where}: arrivalFrame must be a number (NaN when absent), got ${describe(arrivalFrame)}`);
  if (arrivalFrame === Infinity || arrivalFrame === -Infinity) throw new RangeError(`${where}: arrivalFrame must be finite or NaN, got ${arrivalFrame}`);
}

function checkInteger(where: string, name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${where}: ${name} must be an integer ${min}..${max}, got ${value}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
