// Steady input for one engine: voiced 20 ms PCM16LE packets on the 7/8-pull
// cadence (960 frames are 7.5 pulls of 128), each arriving at the start of the
// pull it is inserted before, run through the feed loop
// (src/replay/feed_loop.ts) one 128-frame pull at a time — what a worklet
// does every quantum for a healthy stream.

import type { Engine } from '../src/engine/index.js';
import { FeedLoop } from '../src/replay/feed_loop.js';
import type { InputPacket, PacketInput } from '../src/replay/packet_input.js';
import { PACKET_FRAMES } from './voiced_signal.js';

export const QUANTUM = 128;

/** A healthy stream: packet k arrives 7 or 8 pulls (alternately) after packet k − 1, in order, never lost. */
export class SteadyInput implements PacketInput {
  private k = 0;
  private arrival: number;
  private nextGapIsLong = false;
  /** Reused for every packet: the timed loop should not measure allocation of the harness's own objects. */
  private readonly packet: InputPacket = { sequenceNumber: 0, timestamp: 0, arrivalFrame: 0, payload: new Uint8Array(0) };

  /** The first packet arrives before pull number `phase`: different phases spread many streams' inserts over the pulls. */
  constructor(private readonly payloads: Uint8Array[], phase = 0) {
    this.arrival = phase * QUANTUM;
  }

  nextArrivalFrame(): number {
    return this.arrival;
  }

  takePacket(): InputPacket {
    const k = this.k++;
    const p = this.packet;
    p.sequenceNumber = k & 0xffff;
    p.timestamp = (k * PACKET_FRAMES) % 0x1_0000_0000;
    p.arrivalFrame = this.arrival;
    p.payload = this.payloads[k % this.payloads.length];
    this.arrival += (this.nextGapIsLong ? 8 : 7) * QUANTUM;
    this.nextGapIsLong = !this.nextGapIsLong;
    return p;
  }
}

/** One engine fed a steady stream, a quantum at a time. */
export class SteadyFeed {
  private readonly loop: FeedLoop;

  constructor(
    readonly engine: Engine,
    payloads: Uint8Array[],
    phase = 0,
  ) {
    this.loop = new FeedLoop(engine, new SteadyInput(payloads, phase));
  }

  /** Inserts the packet due, if any, then pulls one quantum into `out` (null: leave it in engine memory, to time the engine alone). */
  quantum(out: Float32Array[] | null): void {
    this.loop.insertArrived();
    if (out) this.loop.pullInto(out, QUANTUM);
    else this.loop.pull(QUANTUM);
  }
}
