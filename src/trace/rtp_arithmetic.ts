/** Difference b − a of two 32-bit RTP timestamps as a signed value, so that a wrap comes out small. */
export function timestampDelta(a: number, b: number): number {
  return (b - a) | 0;
}

/** Difference b − a of two 16-bit RTP sequence numbers, in −32768..32767, so that a wrap comes out small. */
export function sequenceDelta(a: number, b: number): number {
  return (((b - a) & 0xffff) << 16) >> 16;
}
