// What one engine costs in WebAssembly memory, read from memory.buffer's size
// as engines are created. The AssemblyScript allocator doubles the memory when
// it runs out, so the size after N engines overstates their need by up to 2×,
// depending on where N falls. Both figures are kept: the raw growth per engine,
// and the marginal cost — the memory one doubling added, divided by the engines
// that filled it before the next doubling.

export interface MemoryGrowth {
  engines: number;
  startBytes: number;
  endBytes: number;
  /** (end − start) / engines: includes the allocator's unused headroom. */
  rawBytesPerEngine: number;
  /** Over the last doubling that was filled; NaN when fewer than two doublings happened. */
  marginalBytesPerEngine: number;
}

/** `sizes[i]` is memory.buffer.byteLength after creating engine i (0-based); `startBytes` before the first. */
export function memoryGrowth(startBytes: number, sizes: number[]): MemoryGrowth {
  const engines = sizes.length;
  const endBytes = engines > 0 ? sizes[engines - 1] : startBytes;
  // Creations that grew memory: engine index and the size before it.
  const grew: { at: number; before: number; after: number }[] = [];
  let previous = startBytes;
  sizes.forEach((size, at) => {
    if (size !== previous) grew.push({ at, before: previous, after: size });
    previous = size;
  });
  let marginal = NaN;
  if (grew.length >= 2) {
    const a = grew[grew.length - 2];
    const b = grew[grew.length - 1];
    // Memory added at a held engines a.at .. b.at − 1; engine b.at no longer fit.
    marginal = (a.after - a.before) / (b.at - a.at);
  }
  return { engines, startBytes, endBytes, rawBytesPerEngine: (endBytes - startBytes) / Math.max(1, engines), marginalBytesPerEngine: marginal };
}
