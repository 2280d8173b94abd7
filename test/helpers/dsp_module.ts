// Loads build/dsp.wasm (the assembly/dsp_exports.ts entry) for unit tests of
// the AssemblyScript DSP modules. It compiles nothing unless the module is
// missing, so tests run against whatever `npx asc ... --target dsp` built.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const wasmPath = path.join(projectRoot, 'build', 'dsp.wasm');

/** The functions and values assembly/dsp_exports.ts exports, as JavaScript sees them. */
export interface DspExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  SCRATCH_BYTES: WebAssembly.Global;
  MAX_UPSAMPLERS: WebAssembly.Global;
  UPSAMPLER_TAPS_PER_PHASE: WebAssembly.Global;
  scratchPtr(): number;
  ulawToLinear(code: number): number;
  alawToLinear(code: number): number;
  decodeUlaw(src: number, count: number, dst: number): void;
  decodeAlaw(src: number, count: number, dst: number): void;
  isSupportedUpsampleFactor(factor: number): number;
  upsamplerCreate(factor: number): number;
  upsamplerProcess(handle: number, src: number, count: number, dst: number): number;
  upsamplerReset(handle: number): void;
  upsamplerDelay(handle: number): number;
  upsamplerFactor(handle: number): number;
}

/** A started DSP module instance plus views over its memory. */
export interface DspModule {
  /** The raw exports. */
  exports: DspExports;
  /** Byte address of the scratch area (see SCRATCH_BYTES). */
  scratch: number;
  /** Size of the scratch area in bytes. */
  scratchBytes: number;
  /**
   * The whole memory as bytes. A fresh view on every read, because memory
   * growth (e.g. when an upsampler is created) detaches earlier views.
   */
  readonly u8: Uint8Array;
  /** The whole memory as f32, index = byte address / 4. Fresh on every read, as for `u8`. */
  readonly f32: Float32Array;
}

/** Builds build/dsp.wasm if it is missing. */
function ensureBuilt(): void {
  if (existsSync(wasmPath)) return;
  execFileSync('npx', ['asc', 'assembly/dsp_exports.ts', '--target', 'dsp'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}

/** Instantiates a fresh copy of build/dsp.wasm and runs its start code. */
export async function loadDspModule(): Promise<DspModule> {
  ensureBuilt();
  const bytes = readFileSync(wasmPath);
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort(): never {
        throw new Error('abort');
      },
    },
  });
  const exports = instance.exports as unknown as DspExports;
  // The asconfig exports the start function instead of running it, so the
  // module's globals (G.711 tables, scratch area) exist only after this.
  exports._initialize();
  return {
    exports,
    scratch: exports.scratchPtr(),
    scratchBytes: exports.SCRATCH_BYTES.value as number,
    get u8(): Uint8Array {
      return new Uint8Array(exports.memory.buffer);
    },
    get f32(): Float32Array {
      return new Float32Array(exports.memory.buffer);
    },
  };
}
