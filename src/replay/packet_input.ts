// Where packets come from when something drives an engine on the audio clock:
// a trace, a generated stream, a synthetic hostile network. Like NetEq's
// NetEqInput, an input answers two questions — when does the next packet
// arrive, and what is it — so one loop (feed_loop.ts) can drive every one of
// them as the AudioWorklet does.

import type { PacketInfo } from '../engine/index.js';

/** One packet as a transport hands it over: its RTP fields, its arrival on the output clock, its payload. */
export interface InputPacket extends PacketInfo {
  /** Arrival in frames on the engine's 48 kHz output clock. */
  arrivalFrame: number;
  payload: Uint8Array;
}

/** A source of packets in arrival order. */
export interface PacketInput<P extends InputPacket = InputPacket> {
  /** Arrival frame of the next packet; Infinity when the input has no more. */
  nextArrivalFrame(): number;
  /** Hands over the next packet: the one whose arrival nextArrivalFrame() gave. */
  takePacket(): P;
}

/**
 * A list of packets as an input: in arrival order, packets that arrive at the
 * same frame in the order of the list (a network that delivers two at once
 * delivers them in the order they were sent).
 */
export class PacketListInput<P extends InputPacket = InputPacket> implements PacketInput<P> {
  /** Indices into the list, by arrival. */
  private readonly order: number[];
  private next = 0;
  /** Index in the list of the packet takePacket() handed over last (-1 before the first). */
  takenIndex = -1;

  constructor(private readonly packets: readonly P[]) {
    this.order = packets.map((_, i) => i).sort((a, b) => packets[a].arrivalFrame - packets[b].arrivalFrame || a - b);
  }

  nextArrivalFrame(): number {
    return this.next < this.order.length ? this.packets[this.order[this.next]].arrivalFrame : Infinity;
  }

  takePacket(): P {
    this.takenIndex = this.order[this.next++];
    return this.packets[this.takenIndex];
  }

  /** Frame of the last arrival (0 for an empty list). */
  get lastArrivalFrame(): number {
    return this.order.length > 0 ? this.packets[this.order[this.order.length - 1]].arrivalFrame : 0;
  }
}
