// The one check of a packet's fields, for every entry that takes packets
// (Engine.insert, JitterlaneNode.push, and the transport under the feeds:
// PacketRing.write, encodeBatch, PacketBatcher.push). A wrong type or value
// throws JitterlaneError naming the argument and what was given, so that a
// bug in an app's packet plumbing shows where it is instead of turning into
// odd audio later. The checks are number compares only: no allocation unless
// they throw.

import { JitterlaneError } from './errors.js';

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** Throws JitterlaneError unless `payload` is a Uint8Array (a Node Buffer is one). */
export function checkPayload(where: string, payload: unknown): void {
  if (!(payload instanceof Uint8Array)) throw new JitterlaneError(`${where}: payload must be a Uint8Array, got ${describe(payload)}`);
}

/**
 * Throws JitterlaneError unless the RTP fields are in range: sequenceNumber an integer
 * 0..65535, timestamp an integer 0..2^32−1, ssrc −1 (absent) or an integer
 * 0..2^32−1, marker a boolean, arrivalFrame NaN (absent) or finite.
 */
export function checkPacketFields(where: string, sequenceNumber: unknown, timestamp: unknown, ssrc: unknown, marker: unknown, arrivalFrame: unknown): void {
  checkInteger(where, 'sequenceNumber', sequenceNumber, U16_MAX, '0..65535');
  checkInteger(where, 'timestamp', timestamp, U32_MAX, '0..2^32-1');
  if (ssrc !== -1) checkInteger(where, 'ssrc (−1 when absent)', ssrc, U32_MAX, '0..2^32-1');
  if (typeof marker !== 'boolean') throw new JitterlaneError(`${where}: marker must be a boolean, got ${describe(marker)}`);
  if (typeof arrivalFrame !== 'number') throw new JitterlaneError(`${where}: arrivalFrame must be a number (NaN when absent), got ${describe(arrivalFrame)}`);
  if (arrivalFrame === Infinity || arrivalFrame === -Infinity) throw new JitterlaneError(`${where}: arrivalFrame must be a finite number (NaN when absent), got ${arrivalFrame}`);
}

function checkInteger(where: string, name: string, value: unknown, max: number, range: string): void {
  if (typeof value !== 'number') throw new JitterlaneError(`${where}: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new JitterlaneError(`${where}: ${name} must be an integer ${range}, got ${value}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
