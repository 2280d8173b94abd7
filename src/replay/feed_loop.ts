// The feed-then-pull loop, written once: before each pull, every packet whose
// arrival frame is at or before the output clock is inserted (with its exact
// arrival frame), then the pull is made and the clock moves on — what the
// AudioWorklet processor does every quantum. The replay driver, the test
// drivers, the soak and the benchmarks all run their inputs through it.

import type { Engine, InsertResult } from '../engine/index.js';
import type { InputPacket, PacketInput } from './packet_input.js';

/** Drives `engine` from `input` on the output clock. */
export class FeedLoop<P extends InputPacket = InputPacket> {
  /** The output clock: frames pulled so far. */
  nowFrames = 0;

  /** `onInsert` sees every packet with the engine's answer (for tallies and fates). */
  constructor(
    readonly engine: Engine,
    readonly input: PacketInput<P>,
    private readonly onInsert?: (packet: P, result: InsertResult) => void,
  ) {}

  /** Inserts every packet that has arrived by now. */
  insertArrived(): void {
    const { engine, input } = this;
    while (input.nextArrivalFrame() <= this.nowFrames) {
      const packet = input.takePacket();
      const result = engine.insert(packet.payload, packet);
      if (this.onInsert) this.onInsert(packet, result);
    }
  }

  /** Pulls `frames` and moves the clock on: one view per channel onto engine memory, valid until the next call. */
  pull(frames: number): Float32Array[] {
    const out = this.engine.pull(frames);
    this.nowFrames += frames;
    return out;
  }

  /** Pulls `frames` into `out` (one array per channel) and moves the clock on: no allocation. */
  pullInto(out: Float32Array[], frames: number): void {
    this.engine.pullInto(out, frames);
    this.nowFrames += frames;
  }

  /** One quantum as the worklet runs it: the packets that have arrived, then the pull. */
  step(frames: number): Float32Array[] {
    this.insertArrived();
    return this.pull(frames);
  }
}
