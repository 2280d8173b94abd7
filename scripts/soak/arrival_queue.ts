// Packets in flight on a simulated network, by arrival: a binary min-heap on
// (arrival frame, order sent), so packets that arrive together leave in the
// order they were sent.

import type { InputPacket } from '../../src/replay/packet_input.js';

/** A packet in flight: `order` counts the packets the network took in. */
export interface FlightPacket extends InputPacket {
  ssrc: number;
  order: number;
}

function earlier(a: FlightPacket, b: FlightPacket): boolean {
  return a.arrivalFrame < b.arrivalFrame || (a.arrivalFrame === b.arrivalFrame && a.order < b.order);
}

/** A min-heap of packets by arrival. */
export class ArrivalQueue {
  private readonly items: FlightPacket[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The packet that arrives first (undefined when empty). */
  peek(): FlightPacket | undefined {
    return this.items[0];
  }

  push(item: FlightPacket): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Removes and returns the packet that arrives first. */
  pop(): FlightPacket | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && earlier(items[l], items[m])) m = l;
        if (r < items.length && earlier(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}
