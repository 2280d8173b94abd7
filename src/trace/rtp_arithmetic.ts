/** How far RTP timestamp `to` is ahead of `from` (to − from modulo 2^32, signed), so that a wrap comes out small; the order of assembly/wrap.ts. */
export function timestampDelta(from: number, to: number): number {
  return (to - from) | 0;
}

/** How far RTP sequence number `to` is ahead of `from` (to − from modulo 2^16), in −32768..32767, so that a wrap comes out small. */
export function sequenceDelta(from: number, to: number): number {
  return (((to - from) & 0xffff) << 16) >> 16;
}
