// Main-thread side of the naive FIFO player (fifo_processor.js): pushes
// packets over the node's port and reads the processor's counters from a
// shared block.

const SAMPLE_RATE = 48000;

export class FifoPlayer {
  /** Loads the processor into `context` (48 kHz) and creates the node. */
  static async create(context) {
    await context.audioWorklet.addModule(new URL('./fifo_processor.js', import.meta.url));
    const stats = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
    const node = new AudioWorkletNode(context, 'naive-fifo', { numberOfInputs: 0, outputChannelCount: [1], processorOptions: { stats } });
    return new FifoPlayer(node, new Int32Array(stats));
  }

  constructor(node, stats) {
    this.node = node;
    this.counters = stats;
  }

  /** Hands over one PCM16LE packet; its buffer is transferred (unusable afterwards). */
  push(payload) {
    const buffer = payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength);
    this.node.port.postMessage(buffer, [buffer]);
  }

  /** Buffered audio and the audio that went missing, in ms. */
  stats() {
    const ms = (frames) => (Atomics.load(this.counters, frames) * 1000) / SAMPLE_RATE;
    return { bufferedMs: ms(0), underrunMs: ms(1), overflowMs: ms(2), playedMs: ms(3) };
  }

  close() {
    this.node.disconnect();
  }
}
