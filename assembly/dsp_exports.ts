// Test entry for the DSP modules in assembly/dsp/: re-exports their
// functions and wraps their classes behind integer handles, plus a fixed
// scratch area so JavaScript can place inputs and read outputs without
// asking the module to allocate. Keep this a plain list of re-exports and
// thin wrappers; the logic lives in assembly/dsp/.

import { Upsampler, isSupportedUpsampleFactor } from "./dsp/upsample";

export { ulawToLinear, alawToLinear, decodeUlaw, decodeAlaw } from "./dsp/g711";
export { isSupportedUpsampleFactor, UPSAMPLER_TAPS_PER_PHASE } from "./dsp/upsample";

/** Size of the scratch area in bytes: 1 MiB holds 262 144 f32 samples, over 5 s at 48 kHz. */
export const SCRATCH_BYTES: i32 = 1 << 20;

// Allocated once at module start; JavaScript addresses it through scratchPtr().
const scratch = new StaticArray<u8>(SCRATCH_BYTES);

/** Address of the first byte of the SCRATCH_BYTES-long scratch area (16-byte aligned). */
export function scratchPtr(): usize {
  return changetype<usize>(scratch);
}

/** Most upsamplers that can exist at once: plenty for tests creating a few per case. */
export const MAX_UPSAMPLERS: i32 = 64;

// Handle table: a handle is an index into it. Slots are never freed; tests
// reinstantiate the module when they need a clean table.
const upsamplers = new StaticArray<Upsampler | null>(MAX_UPSAMPLERS);
let upsamplerCount: i32 = 0;

/** Creates an Upsampler for `factor`; returns its handle, or −1 if the factor is unsupported or the table is full. */
export function upsamplerCreate(factor: i32): i32 {
  if (!isSupportedUpsampleFactor(factor) || upsamplerCount >= MAX_UPSAMPLERS) return -1;
  const handle = upsamplerCount;
  upsamplers[handle] = new Upsampler(factor);
  upsamplerCount = handle + 1;
  return handle;
}

/** Looks up a handle, aborting on one upsamplerCreate did not return. */
function upsamplerAt(handle: i32): Upsampler {
  assert(handle >= 0 && handle < upsamplerCount, "unknown upsampler handle");
  return upsamplers[handle]!;
}

/** Upsampler.process for `handle`: `count` f32 in at `src`, count × factor f32 out at `dst`; returns frames written. */
export function upsamplerProcess(handle: i32, src: usize, count: i32, dst: usize): i32 {
  return upsamplerAt(handle).process(src, count, dst);
}

/** Upsampler.reset for `handle`: clears its filter history. */
export function upsamplerReset(handle: i32): void {
  upsamplerAt(handle).reset();
}

/** Upsampler.delayFrames for `handle`: group delay in output frames. */
export function upsamplerDelay(handle: i32): i32 {
  return upsamplerAt(handle).delayFrames();
}

/** Upsampler.factor for `handle`: output frames per input sample. */
export function upsamplerFactor(handle: i32): i32 {
  return upsamplerAt(handle).factor;
}
