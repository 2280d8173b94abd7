// The reference the engine is held against: the playout most AI-voice web
// clients ship in their AudioWorklet. Each message's PCM16 is converted to a
// Float32Array and queued; the worklet drains the queue 128 frames at a time,
// sample by sample. No reordering, no loss handling, no adaptation: silence
// when the queue runs dry, and whatever delay the queue happens to hold.

export class NaivePlayer {
  private readonly queue: Float32Array[] = [];
  private current: Float32Array | null = null;
  private offset = 0;

  /** Queues one packet of PCM16LE (read through an Int16Array view: little-endian hosts, as such players assume). */
  push(payload: Uint8Array): void {
    const pcm = new Int16Array(payload.buffer, payload.byteOffset, payload.byteLength >> 1);
    const chunk = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) chunk[i] = pcm[i] / 32768;
    this.queue.push(chunk);
  }

  /** Fills `out` from the queue; what the queue cannot fill is silence. */
  pull(out: Float32Array): void {
    for (let i = 0; i < out.length; i++) {
      if (this.current === null) {
        const next = this.queue.shift();
        if (next === undefined) {
          out.fill(0, i);
          return;
        }
        this.current = next;
        this.offset = 0;
      }
      out[i] = this.current[this.offset++];
      if (this.offset === this.current.length) this.current = null;
    }
  }
}
