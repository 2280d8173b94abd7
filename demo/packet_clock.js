// Delivers a trace's packets at their captured arrival times, in real time,
// as the network did. A short timer on the main thread is what a real
// WebSocket or data-channel handler looks like to the player: packets reach it
// on the main thread with that thread's scheduling jitter on top of the
// network's.

/** Timer period, ms: well under a 20 ms packet, so the clock adds little jitter of its own. */
const TICK_MS = 4;

export class PacketClock {
  /**
   * @param {number[]} arrivalMs  arrival of each packet, ms from the first, in arrival order
   * @param {(index: number, nowMs: number) => void} deliver  called once per packet, in order
   */
  constructor(arrivalMs, deliver) {
    this.arrivalMs = arrivalMs;
    this.deliver = deliver;
    this.next = 0;
    this.startMs = 0;
    this.timer = 0;
  }

  /** Starts delivering now; returns the start time on performance.now()'s clock. */
  start() {
    this.startMs = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return this.startMs;
  }

  /** ms since start(). */
  now() {
    return performance.now() - this.startMs;
  }

  get done() {
    return this.next >= this.arrivalMs.length;
  }

  tick() {
    const now = this.now();
    while (this.next < this.arrivalMs.length && this.arrivalMs[this.next] <= now) this.deliver(this.next++, now);
    if (this.done) this.stop();
  }

  stop() {
    clearInterval(this.timer);
  }
}
