// Steady input for one engine: voiced 20 ms PCM16LE packets on the 7/8-pull
// cadence, each arriving the moment it is inserted, then one 128-frame pull
// copied out — what a worklet does every quantum for a healthy stream.

import type { Engine, PacketInfo } from '../src/engine/index.js';
import { PacketCadence } from './cadence.js';
import { PACKET_FRAMES } from './voiced_signal.js';

export const QUANTUM = 128;

export class SteadyFeed {
  private readonly cadence: PacketCadence;
  private packets = 0;
  /** Reused for every insert: the timed loop should not measure allocation of the harness's own objects. */
  private readonly info: Required<Pick<PacketInfo, 'sequenceNumber' | 'timestamp' | 'arrivalFrame'>> = { sequenceNumber: 0, timestamp: 0, arrivalFrame: 0 };
  private now = 0;

  constructor(
    readonly engine: Engine,
    private readonly payloads: Uint8Array[],
    phase = 0,
  ) {
    this.cadence = new PacketCadence(phase);
  }

  /** Inserts the packet due, if any, then pulls one quantum into `out` (null: leave it in engine memory, to time the engine alone). */
  quantum(out: Float32Array[] | null): void {
    if (this.cadence.tick()) {
      const k = this.packets++;
      this.info.sequenceNumber = k & 0xffff;
      this.info.timestamp = (k * PACKET_FRAMES) % 0x1_0000_0000;
      this.info.arrivalFrame = this.now;
      this.engine.insert(this.payloads[k % this.payloads.length], this.info);
    }
    if (out) this.engine.pullInto(out, QUANTUM);
    else this.engine.pull(QUANTUM);
    this.now += QUANTUM;
  }
}
