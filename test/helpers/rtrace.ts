// The debug build (ASC_RTRACE) calls an `rtrace` import on every allocation,
// free, resize and move; this supplies exactly the imports the debug wasm
// declares and counts the calls (engine memory tests, property tests).

import { readFileSync } from 'node:fs';
import type { EngineModule, ExtraImports } from '../../src/engine/index.js';
import { loadEngineModule, wasmPath } from '../../src/engine/node_loader.js';

/** Calls the debug build made into the rtrace imports. */
export interface AllocationCounts {
  allocations: number;
  frees: number;
  /** Resizes and moves: allocations too, as far as the audio thread is concerned. */
  reallocations: number;
}

/** A debug-build engine module whose allocations are counted into `counts`; unknown rtrace imports fail loudly. */
export function tracedDebugModule(): { engineModule: EngineModule; counts: AllocationCounts; imports: string[] } {
  const counts: AllocationCounts = { allocations: 0, frees: 0, reallocations: 0 };
  const known: Record<string, (...args: number[]) => number | void> = {
    oninit: () => {},
    onalloc: () => void counts.allocations++,
    onfree: () => void counts.frees++,
    onresize: () => void counts.reallocations++,
    onmove: () => void counts.reallocations++,
    oncollect: () => {},
    oninterrupt: () => {},
    onyield: () => {},
    // The collector skips a block's children when this answers false.
    onvisit: () => 1,
    // Instrumented loads and stores use the address these return: hand it back unchanged.
    onload: (address) => address,
    onstore: (address) => address,
  };
  const rtrace: Record<string, WebAssembly.ImportValue> = {};
  for (const entry of WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath('debug'))))) {
    if (entry.module !== 'rtrace') continue;
    const handler = known[entry.name];
    if (!handler) throw new Error(`the debug build imports rtrace.${entry.name}, which this tracer does not know`);
    rtrace[entry.name] = handler;
  }
  const extra: ExtraImports = { rtrace };
  return { engineModule: loadEngineModule('debug', extra), counts, imports: Object.keys(rtrace) };
}
