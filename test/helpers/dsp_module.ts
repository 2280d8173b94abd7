// Loads build/dsp.wasm (the test/assembly/dsp_exports.ts entry) for unit tests of
// the engine's AssemblyScript modules. It compiles nothing unless the module is
// missing, so tests run against whatever `npx asc ... --target dsp` built.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/engine/build_files.js';

const projectRoot = packageRoot();
const wasmPath = path.join(projectRoot, 'build', 'dsp.wasm');

/** The functions and values test/assembly/dsp_exports.ts exports, as JavaScript sees them. */
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

  // Booleans come back as 0 or 1; i64 values cross as BigInt both ways.
  MAX_HANDLES: WebAssembly.Global;
  searchPeriod(anchor: number, segmentsBefore: number, minLag: number, maxLag: number, scratch: number): void;
  STRETCH_NONE: WebAssembly.Global;
  STRETCH_QUIET: WebAssembly.Global;
  STRETCH_VOICED: WebAssembly.Global;
  LOW_ENERGY_RMS: WebAssembly.Global;
  QUIET_CEILING_RMS: WebAssembly.Global;
  chooseStretchAt(anchor: number, shorten: boolean, ahead: number, behind: number, wanted: number, budget: number, quietRms: number, scratch: number): number;
  backgroundReset(): void;
  backgroundListen(x: number, frames: number): void;
  backgroundQuietRms(): number;
  stretchChoiceFrames(): number;
  searchFoundLag(): number;
  searchFoundCorrelation(): number;
  normalizedCorrelation(a: number, b: number, n: number): number;
  rms(x: number, n: number): number;
  accelerateInPlace(x: number, n: number, tau: number): number;
  expandInPlace(x: number, n: number, tau: number): number;
  crossfadeFrom(x: number, from: number, n: number): void;
  pitchRepeaterCreate(maxPeriod: number, sampleRate: number): number;
  pitchRepeaterStart(handle: number, end: number, period: number): void;
  pitchRepeaterGenerate(handle: number, out: number, n: number): void;
  pitchRepeaterIsSilent(handle: number): number;

  OP_IDLE: WebAssembly.Global;
  OP_NORMAL: WebAssembly.Global;
  OP_ACCELERATE: WebAssembly.Global;
  OP_PREEMPTIVE_EXPAND: WebAssembly.Global;
  OP_EXPAND: WebAssembly.Global;
  OP_MERGE: WebAssembly.Global;
  OP_DTX: WebAssembly.Global;
  OP_ACCELERATE_FAST: WebAssembly.Global;
  OP_COMFORT_NOISE: WebAssembly.Global;
  OP_FEC: WebAssembly.Global;
  OUTCOME_NONE: WebAssembly.Global;
  OUTCOME_NORMAL: WebAssembly.Global;
  OUTCOME_STRETCHED: WebAssembly.Global;
  OUTCOME_STRETCH_FAILED: WebAssembly.Global;
  OUTCOME_CONCEALED: WebAssembly.Global;
  OUTCOME_DTX: WebAssembly.Global;
  OUTCOME_IDLE: WebAssembly.Global;
  CONTIGUOUS_TOLERANCE_FRAMES: WebAssembly.Global;
  decideWith(
    started: boolean,
    packetAvailable: boolean,
    gapFrames: number,
    sequenceContiguous: boolean,
    pauseSignalled: boolean,
    nextIsComfortNoise: boolean,
    startInFrames: number,
    errorFrames: number,
    deadbandFrames: number,
    fastAboveFrames: number,
    stretchBudgetFrames: number,
    minStretchFrames: number,
    lastOutcome: number,
    needFrames: number,
    fecFrames: number,
    sequenceGap: boolean,
    codecConcealing: boolean,
    headroomFrames: number,
    playedGapFrames: number,
  ): number;
  decisionFrames(): number;
  decisionSkipFrames(): number;
  decisionJumpFrames(): number;
  decisionAdvanceFrames(): number;
  decisionWaits(): number;
  decisionQuietOnly(): number;
  decisionRollBack(): number;
  waitedCredit(waitedFrames: number, gapFrames: number): number;
  pauseShare(pendingFrames: number, inSignalledPause: boolean, pauseGapFrames: number): number;

  sequenceDelta(from: number, to: number): number;
  seqNewer(a: number, b: number): number;
  timestampDelta(from: number, to: number): bigint;
  unwrapperCreate(): number;
  unwrapperSeq(handle: number, seq: number): bigint;
  unwrapperTs(handle: number, ts: number): bigint;
  unwrapperReset(handle: number): void;

  SEEN_WINDOW: WebAssembly.Global;
  packetBufferCreate(slots: number, slotBytes: number): number;
  packetBufferInsert(handle: number, seq: bigint, pos: bigint, frames: number, arrival: number, src: number, length: number): number;
  packetBufferFirst(handle: number): number;
  packetBufferAt(handle: number, n: number): number;
  packetBufferRemoveFirst(handle: number): void;
  packetBufferCount(handle: number): number;
  packetBufferContains(handle: number, seq: bigint): number;
  packetBufferIsFull(handle: number): number;
  packetBufferClear(handle: number): void;
  packetBufferSeq(handle: number, slot: number): bigint;
  packetBufferPos(handle: number, slot: number): bigint;
  packetBufferLength(handle: number, slot: number): number;
  packetBufferPayload(handle: number, slot: number): number;
  packetBufferEndPos(handle: number, fallback: bigint): bigint;
  seenCreate(): number;
  seenMarkAndCheck(handle: number, seq: bigint): number;
  seenReset(handle: number): void;

  delayTrackerCreate(sampleRate: number): number;
  delayTrackerObserve(handle: number, arrivalFrame: number, posFrame: number, memoryPackets: number, currentEstimateMs: number): void;
  delayTrackerQuantileMs(handle: number, quantile: number): number;
  delayTrackerCoverMs(handle: number, nowMs: number, windowMs: number, episodeCostMs: number, baseMs: number): number;
  delayTrackerSpikeFloorMs(handle: number): number;
  delayTrackerMinTransit(handle: number): number;
  delayTrackerLastRelativeMs(handle: number): number;
  delayTrackerPackets(handle: number): number;
  delayTrackerReset(handle: number): void;
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
  execFileSync('npx', ['asc', 'test/assembly/dsp_exports.ts', '--target', 'dsp'], {
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
