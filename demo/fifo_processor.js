// The naive player jitterlane is compared with: an AudioWorklet FIFO that
// plays PCM16 packets in the order they arrive, starts as soon as it has any
// audio, plays silence when it runs dry and never shortens itself. What it
// does wrong is the point: every late packet is a gap (a click), and every
// gap adds its length to the latency for good.
// It is written the way an audio thread must be, though: all memory is
// reserved in the constructor, process() neither allocates nor throws.

/** FIFO capacity: 10 s at 48 kHz, far beyond any trace's spike, so overflow is not what is compared. */
const CAPACITY_FRAMES = 48000 * 10;

/** Slots of the shared stats block (Int32): what the page plots for this player. */
const STAT_BUFFERED_FRAMES = 0;
const STAT_UNDERRUN_FRAMES = 1;
const STAT_OVERFLOW_FRAMES = 2;
const STAT_PLAYED_FRAMES = 3;

class NaiveFifoProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.fifo = new Float32Array(CAPACITY_FRAMES);
    this.readIndex = 0;
    this.buffered = 0;
    this.started = false;
    this.underrunFrames = 0;
    this.overflowFrames = 0;
    this.playedFrames = 0;
    // Read by the page with Atomics; a SharedArrayBuffer because the demo page is cross-origin isolated.
    this.stats = new Int32Array(options.processorOptions.stats);
    // Packets arrive as little-endian PCM16 at 48 kHz (the context's rate, so no resampling).
    this.port.onmessage = (event) => this.append(event.data);
  }

  append(buffer) {
    const view = new DataView(buffer);
    const frames = buffer.byteLength >> 1;
    for (let i = 0; i < frames; i++) {
      if (this.buffered === CAPACITY_FRAMES) {
        this.overflowFrames += frames - i;
        break;
      }
      this.fifo[(this.readIndex + this.buffered) % CAPACITY_FRAMES] = view.getInt16(i * 2, true) / 32768;
      this.buffered++;
    }
    this.started = true;
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    const take = Math.min(out.length, this.buffered);
    for (let i = 0; i < take; i++) {
      out[i] = this.fifo[this.readIndex];
      this.readIndex = this.readIndex + 1 === CAPACITY_FRAMES ? 0 : this.readIndex + 1;
    }
    this.buffered -= take;
    // Silence where audio is missing: the output arrays are not zeroed between calls in every browser.
    out.fill(0, take);
    if (this.started) this.underrunFrames += out.length - take;
    this.playedFrames += take;
    Atomics.store(this.stats, STAT_BUFFERED_FRAMES, this.buffered);
    Atomics.store(this.stats, STAT_UNDERRUN_FRAMES, this.underrunFrames);
    Atomics.store(this.stats, STAT_OVERFLOW_FRAMES, this.overflowFrames);
    Atomics.store(this.stats, STAT_PLAYED_FRAMES, this.playedFrames);
    return true;
  }
}

registerProcessor('naive-fifo', NaiveFifoProcessor);
