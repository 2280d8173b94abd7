// A prepared replay (prepared.ts) as a packet input: its packets in arrival
// order, each payload made when the packet is taken (the trace's own bytes, or
// the replacement speech for its place on the sender's timeline).

import type { InputPacket, PacketInput } from './packet_input.js';
import { isInserted, payloadOf, type PreparedPacket, type PreparedReplay } from './prepared.js';

/** An input packet that remembers which prepared packet it is. */
export interface ReplayPacket extends InputPacket {
  prepared: PreparedPacket;
}

/** The packets of `prepared` the engine takes (isInserted), already in arrival order. */
export class PreparedInput implements PacketInput<ReplayPacket> {
  private next = 0;
  private readonly packets: PreparedPacket[];

  constructor(private readonly prepared: PreparedReplay) {
    this.packets = prepared.packets.filter(isInserted);
  }

  nextArrivalFrame(): number {
    return this.next < this.packets.length ? this.packets[this.next].arrivalFrame : Infinity;
  }

  takePacket(): ReplayPacket {
    const p = this.packets[this.next++];
    return {
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      arrivalFrame: p.arrivalFrame,
      marker: p.marker,
      comfortNoise: p.kind === 'comfort-noise',
      payload: payloadOf(this.prepared, p),
      prepared: p,
    };
  }

  /** True once every packet has been taken. */
  get done(): boolean {
    return this.next >= this.packets.length;
  }
}
