// The sums of a many-stream host, in engine memory: one plane per channel of
// each output, MAX_PULL_FRAMES float32 each, reserved once (reserveMix).
// Each stream's quantum is mixed into its output's planes by the engine
// (Engine.mixInto: SIMD float32), and the host copies each plane out once per
// quantum, whatever the number of streams. Views are rebuilt only when the
// memory has grown (or the quantum size changed), never in steady rendering.

import { MAX_PULL_FRAMES } from './contract.js';
import { JitterlaneError } from './errors.js';
import type { EngineMemory } from './types.js';

/** Mix planes reserved in one engine module: `outputs` × `channels`, plane o·channels + c for output o, channel c. */
export class MixPlanes {
  readonly outputs: number;
  readonly channels: number;
  private readonly module: EngineMemory;
  private readonly address: number;
  private generation = -1;
  private buffer: ArrayBuffer | null = null;
  /** Per output, its planes whole (MAX_PULL_FRAMES floats), and their first `quantumFrames` floats. */
  private whole: Float32Array[][] = [];
  private quantum: Float32Array[][] = [];
  private quantumFrames = -1;

  constructor(module: EngineMemory, outputs: number, channels: number) {
    const count = outputs * channels;
    if (!Number.isInteger(count) || count < 1 || count > 64) throw new JitterlaneError(`mix planes: outputs × channels must be 1..64, got ${outputs} × ${channels}`);
    this.module = module;
    this.outputs = outputs;
    this.channels = channels;
    module.mayGrow();
    this.address = module.exports.reserveMix(count);
    if (this.address === 0) throw new JitterlaneError(`mix planes: the engine module could not reserve ${count} planes (a module mixes for one host, and its area is reserved once)`);
  }

  /** The plane index of output `o`, channel `c` (for Engine.mixInto). */
  plane(o: number, c: number): number {
    return o * this.channels + c;
  }

  /** Output `o`'s planes, MAX_PULL_FRAMES floats each (views onto engine memory). */
  wholePlanes(o: number): Float32Array[] {
    this.check();
    return this.whole[o];
  }

  /** Output `o`'s planes, their first `frames` floats each (made once per quantum size). */
  quantumPlanes(o: number, frames: number): Float32Array[] {
    this.check();
    if (frames !== this.quantumFrames) {
      this.quantumFrames = frames;
      this.quantum = this.whole.map((planes) => planes.map((p) => p.subarray(0, frames)));
    }
    return this.quantum[o];
  }

  private check(): void {
    if (this.generation === this.module.memoryGeneration) return;
    this.generation = this.module.memoryGeneration;
    const buffer = this.module.exports.memory.buffer as ArrayBuffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.whole = [];
    for (let o = 0; o < this.outputs; o++) {
      const planes: Float32Array[] = [];
      for (let c = 0; c < this.channels; c++) planes.push(new Float32Array(buffer, this.address + this.plane(o, c) * MAX_PULL_FRAMES * 4, MAX_PULL_FRAMES));
      this.whole.push(planes);
    }
    this.quantumFrames = -1;
  }
}
