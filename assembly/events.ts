// A fixed ring of engine events for replays and timelines: what each operation
// did and when, which packet played when. The host drains it after each pull;
// when it is not drained the oldest entries are overwritten and counted lost.

import { EVENT_FIELDS } from './abi';

// The event kinds, their fields and the log's capacity are part of the host
// contract and written once, in assembly/abi.ts (EVENT_*); this module
// re-exports the contract so `ev.EVENT_…` reads as before.
export * from './abi';

/**
 * Ring of events, written by the engine only. Its storage is reserved when the
 * host first enables it (a control call, never on the audio path), so engines
 * that nobody reads events from (the worklet's) do not carry it.
 */
export class EventLog {
  data: StaticArray<f64> = new StaticArray<f64>(0);
  /** Where drainInto copies events for the host to read. */
  drained: StaticArray<f64> = new StaticArray<f64>(0);
  capacity: i32 = 0;
  private start: i32 = 0;
  private length: i32 = 0;
  enabled: bool = false;
  lost: f64 = 0;

  /** Turns recording on (reserving `capacity` events the first time) or off. */
  enable(on: bool, capacity: i32): void {
    if (on && this.capacity == 0) {
      this.capacity = capacity;
      this.data = new StaticArray<f64>(capacity * EVENT_FIELDS);
      this.drained = new StaticArray<f64>(capacity * EVENT_FIELDS);
    }
    this.enabled = on;
  }

  /** Appends an event when the log is enabled. */
  push(kind: i32, frame: f64, a: f64, b: f64): void {
    if (!this.enabled) return;
    if (this.length == this.capacity) {
      this.start = (this.start + 1) % this.capacity;
      this.length--;
      this.lost += 1;
    }
    const slot = ((this.start + this.length) % this.capacity) * EVENT_FIELDS;
    unchecked((this.data[slot] = <f64>kind));
    unchecked((this.data[slot + 1] = frame));
    unchecked((this.data[slot + 2] = a));
    unchecked((this.data[slot + 3] = b));
    this.length++;
  }

  /** Number of events waiting. */
  count(): i32 {
    return this.length;
  }

  /** Copies the waiting events, oldest first, into `drained` (EVENT_FIELDS f64 each) and empties the log. */
  drain(): i32 {
    const out = this.drained;
    const n = this.length;
    for (let i = 0; i < n; i++) {
      const src = ((this.start + i) % this.capacity) * EVENT_FIELDS;
      const dst = i * EVENT_FIELDS;
      for (let f = 0; f < EVENT_FIELDS; f++) unchecked((out[dst + f] = this.data[src + f]));
    }
    this.start = 0;
    this.length = 0;
    return n;
  }
}
